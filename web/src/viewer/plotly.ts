/** A Plotly figure (`{data, layout}` JSON) drawn with plotly.js's basic build, inside the sandbox. */
import type { DrawnDetail } from "./protocol";

interface Figure {
  data?: unknown;
  layout?: unknown;
}

export async function drawPlotly(root: HTMLElement, bytes: ArrayBuffer): Promise<DrawnDetail> {
  const figure = JSON.parse(new TextDecoder().decode(bytes)) as Figure;
  const { default: Plotly } = await import("plotly.js-basic-dist-min");
  const data = Array.isArray(figure.data) ? figure.data : [];
  const layout = figure.layout && typeof figure.layout === "object" ? (figure.layout as Record<string, unknown>) : {};
  const box = document.createElement("div");
  box.dataset.testid = "plotly-root";
  box.style.cssText = "position:absolute;inset:0";
  root.append(box);
  await Plotly.newPlot(box, data, { ...layout, autosize: true }, { responsive: true, displaylogo: false });
  return { traces: data.length };
}
