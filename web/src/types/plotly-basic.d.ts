// The slice of plotly.js the Plotly viewer uses (the package ships no types).
declare module "plotly.js-basic-dist-min" {
  const Plotly: {
    newPlot(root: HTMLElement, data: unknown[], layout?: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
    purge(root: HTMLElement): void;
  };
  export default Plotly;
}
