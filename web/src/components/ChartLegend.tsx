/**
 * A line chart's legend: a swatch and name per run (or group), compact (wrapping, scrolling past two
 * lines), collapsible; hovering an entry draws its line on top and dims the rest (and lights the
 * run's row in the runs table, UPlotChart). A chart of 1,000 runs does not make 1,000 entries at
 * once: the first page, and another each time the legend is scrolled to its end.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { PlotLine } from "../lib/chartdata";
import { shortName } from "../lib/format";
import "./chartLegend.css";

// The legend's height with its margins (styles.css, .chart-legend): two rows open, one closed.
export const LEGEND_OPEN_PX = 38;
export const LEGEND_CLOSED_PX = 20;

/** Entries made at a time: several legends' worth of scrolling, far below a screen of 1,000-run
 * charts' ~9,000 entries (React's render and Chromium's layout of them delayed the first charts). */
export const LEGEND_PAGE = 100;

const NAMES = new Intl.Collator(undefined, { numeric: true });

export function ChartLegend(props: { lines: PlotLine[]; grouped: boolean; open: boolean; onToggle: () => void; onHighlight: (i: number | null) => void }): React.JSX.Element | null {
  // By name (natural order: run-2 before run-10), so a run is found where one looks for it.
  const entries = useMemo(
    () =>
      props.lines
        .map((l, i) => ({ l, i }))
        .filter(({ l }) => l.role === "line" || l.role === "mean")
        .sort((a, b) => NAMES.compare(a.l.label, b.l.label)),
    [props.lines],
  );
  const [made, setMade] = useState(LEGEND_PAGE);
  const more = useRef<HTMLSpanElement>(null);
  const rest = entries.length - made;
  // The "more" marker scrolled into the legend's view makes the next page.
  useEffect(() => {
    const el = more.current;
    if (!el || rest <= 0) return;
    const io = new IntersectionObserver((seen) => seen.some((e) => e.isIntersecting) && setMade((n) => n + LEGEND_PAGE), { root: el.parentElement });
    io.observe(el);
    return () => io.disconnect();
  }, [rest, props.open]);
  if (entries.length === 0) return null;
  const noun = props.grouped ? (entries.length === 1 ? "group" : "groups") : entries.length === 1 ? "line" : "lines";
  return (
    <div className={`chart-legend${props.open ? "" : " closed"}`} data-testid="legend" onMouseLeave={() => props.onHighlight(null)}>
      <button className="legend-toggle" onClick={props.onToggle} aria-expanded={props.open} title={props.open ? "Hide the legend" : "Show the legend"}>
        {props.open ? "▾" : "▸"} {entries.length} {noun}
      </button>
      {props.open &&
        entries.slice(0, made).map(({ l, i }) => (
          <span key={i} className="legend-item" title={l.label} data-color={l.color} onMouseEnter={() => props.onHighlight(i)} onMouseLeave={() => props.onHighlight(null)}>
            <span className="swatch" style={{ background: l.color }} />
            <span className="legend-name">{shortName(l.label)}</span>
          </span>
        ))}
      {props.open && rest > 0 && (
        <span ref={more} className="legend-more" data-testid="legend-more">
          +{rest} more
        </span>
      )}
    </div>
  );
}
