/**
 * A logged `trackwell.Plotly` figure, drawn by plotly.js (its "basic" build: scatter, bar, pie and
 * their relatives). plotly.js is ~1 MB, so it is loaded only when a Plotly figure is on screen (its own
 * chunk in the bundle). The figure is data (`{data, layout}` JSON), never code.
 */
import { useEffect, useRef, useState } from "react";

interface Figure {
  data?: unknown[];
  layout?: Record<string, unknown>;
}

export function PlotlyView({ src }: { src: string }): React.JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ traces: number } | { error: string } | null>(null);

  useEffect(() => {
    let alive = true;
    const el = box.current;
    let purge: ((root: HTMLElement) => void) | null = null;
    (async () => {
      const response = await fetch(src, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const figure = (await response.json()) as Figure;
      const { default: Plotly } = await import("plotly.js-basic-dist-min");
      if (!alive || !el) return;
      purge = Plotly.purge;
      const data = Array.isArray(figure.data) ? figure.data : [];
      await Plotly.newPlot(el, data, { ...(figure.layout ?? {}), autosize: true }, { responsive: true, displaylogo: false });
      if (alive) setState({ traces: data.length });
    })().catch((e: unknown) => alive && setState({ error: e instanceof Error ? e.message : String(e) }));
    return () => {
      alive = false;
      if (el && purge) purge(el);
    };
  }, [src]);

  return (
    <div className="media-plotly">
      <div ref={box} data-testid="media-plotly" data-traces={state && "traces" in state ? state.traces : undefined} />
      {state === null && <div className="muted">Loading the chart…</div>}
      {state && "error" in state && <div className="muted">Could not draw this Plotly figure: {state.error}</div>}
    </div>
  );
}
