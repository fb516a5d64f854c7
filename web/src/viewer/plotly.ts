/** A Plotly figure (`{data, layout}` JSON) drawn with plotly.js's basic build, inside the sandbox. */
import type { DrawnDetail } from "./protocol";

interface Figure {
  data?: unknown;
  layout?: unknown;
}

/** Colours for the app's dark theme, under whatever the figure sets itself. */
const DARK_LAYOUT = {
  paper_bgcolor: "#14171d",
  plot_bgcolor: "#14171d",
  font: { color: "#e4e7ec" },
  xaxis: { gridcolor: "#2c323d", zerolinecolor: "#3a414e" },
  yaxis: { gridcolor: "#2c323d", zerolinecolor: "#3a414e" },
};

function under(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = b && v && typeof b === "object" && typeof v === "object" && !Array.isArray(b) && !Array.isArray(v) ? under(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export async function drawPlotly(root: HTMLElement, bytes: ArrayBuffer, dark = false): Promise<DrawnDetail> {
  const figure = JSON.parse(new TextDecoder().decode(bytes)) as Figure;
  const { default: Plotly } = await import("plotly.js-basic-dist-min");
  const data = Array.isArray(figure.data) ? figure.data : [];
  const own = figure.layout && typeof figure.layout === "object" ? (figure.layout as Record<string, unknown>) : {};
  const layout = dark ? under(DARK_LAYOUT, own) : own;
  const box = document.createElement("div");
  box.dataset.testid = "plotly-root";
  box.style.cssText = "position:absolute;inset:0";
  root.append(box);
  await Plotly.newPlot(box, data, { ...layout, autosize: true }, { responsive: true, displaylogo: false });
  return { traces: data.length };
}
