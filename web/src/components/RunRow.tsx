/** A row of the runs table (checkbox, eye, colour swatch and the visible cells) and the column
 * layout the header and the rows share: pinned cells first, spacers for the columns out of view. */
import { memo, useSyncExternalStore } from "react";
import { ago, duration, value as fmtValue } from "../lib/format";
import { highlightedRow, setHighlightedRun, subscribeHighlight } from "../lib/highlight";
import { Link, paths } from "../router";
import { columnValue, type TableRun } from "../lib/tableRun";
import { StateBadge } from "./StateBadge";

/** The width of the checkbox, eye and colour column. */
export const CTRL_WIDTH = 84;

export interface ColumnCell {
  id: string;
  width: number;
  /** A pinned cell's sticky offset; null for the others. */
  left: number | null;
}

export interface RowColumns {
  /** Cells in order, pinned first. */
  cells: ColumnCell[];
  pinned: number;
  padLeft: number;
  padRight: number;
}

export const cellStyle = (c: ColumnCell): React.CSSProperties => (c.left === null ? { width: c.width } : { width: c.width, left: c.left });

/** The cells of the header or of a row in order, with spacers standing for the columns out of view. */
export function laidOut(cols: RowColumns, cell: (c: ColumnCell) => React.ReactNode): React.ReactNode[] {
  return [
    ...cols.cells.slice(0, cols.pinned).map(cell),
    cols.padLeft > 0 ? <div key="pad-left" className="rt-pad" style={{ width: cols.padLeft }} /> : null,
    ...cols.cells.slice(cols.pinned).map(cell),
    cols.padRight > 0 ? <div key="pad-right" className="rt-pad" style={{ width: cols.padRight }} /> : null,
  ];
}

interface RunRowProps {
  d: TableRun;
  top: number;
  height: number;
  width: number;
  cols: RowColumns;
  hidden: boolean;
  /** Not hidden, but past the charts' run limit: not drawn. */
  undrawn: boolean;
  selected: boolean;
  color: string;
  onToggleHidden: (key: string) => void;
  onToggleSelected: (key: string) => void;
  onColor: (key: string, name: string, color: string, el: Element) => void;
}

/** The eye: open while the run is in the charts, struck through while it is hidden. */
function Eye({ open }: { open: boolean }): React.JSX.Element {
  return (
    <svg width="14" height="10" viewBox="0 0 14 10" aria-hidden>
      <path d="M1 5c1.6-2.7 3.6-4 6-4s4.4 1.3 6 4c-1.6 2.7-3.6 4-6 4S2.6 7.7 1 5z" stroke="currentColor" fill="none" />
      {open ? <circle cx="7" cy="5" r="1.8" fill="currentColor" /> : <path d="M2 9L12 1" stroke="currentColor" />}
    </svg>
  );
}

/** One run's row; memoized, so scrolling renders only the rows that come into view. */
export const RunRow = memo(function RunRow({ d, top, height, width, cols, hidden, undrawn, selected, color, onToggleHidden, onToggleSelected, onColor }: RunRowProps): React.JSX.Element {
  // Pointed at in a chart (its line or legend entry): the row looks as if the mouse were on it. Only
  // the rows whose answer changes render again.
  const lit = useSyncExternalStore(subscribeHighlight, () => highlightedRow() === d.key);
  return (
    // Pointing at a run highlights its lines in every chart (lib/highlight).
    <div className={`rt-row${hidden ? " is-hidden" : ""}${lit ? " is-lit" : ""}${d.run.archived_at != null ? " is-archived" : ""}`} style={{ transform: `translateY(${top}px)`, height, width }} data-run={d.run.id} onMouseEnter={() => setHighlightedRun(d.key)} onMouseLeave={() => setHighlightedRun(null)}>
      <div className="rt-cell rt-ctrl" style={{ width: CTRL_WIDTH, left: 0 }}>
        <input type="checkbox" checked={selected} onChange={() => onToggleSelected(d.key)} aria-label={`select ${d.run.display_name}`} />
        <button
          className="eye"
          onClick={() => onToggleHidden(d.key)}
          title={hidden ? "Show in charts" : undrawn ? "Not in the charts: past the \u201cRuns in charts\u201d limit (click to hide it from charts)" : "Hide from charts"}
          aria-label="toggle run visibility"
          aria-pressed={!hidden}
        >
          <Eye open={!hidden} />
        </button>
        <button className="run-swatch" data-color-swatch onClick={(e) => onColor(d.key, d.run.display_name, color, e.currentTarget)} title={`Colour of ${d.run.display_name} (click to change)${hidden ? "; hidden from charts" : undrawn ? "; not in the charts: past the \u201cRuns in charts\u201d limit" : ""}`} aria-label={`colour of ${d.run.display_name}`}>
          <span className={`swatch${undrawn && !hidden ? " undrawn" : ""}`} style={{ background: hidden || undrawn ? "transparent" : color, borderColor: color }} data-color={color} data-drawn={hidden || undrawn ? "false" : "true"} />
        </button>
      </div>
      {laidOut(cols, (c) => (
        <div key={c.id} className={`rt-cell${c.left !== null ? " pinned" : ""}`} style={cellStyle(c)} data-col={c.id}>
          {renderCell(d, c.id)}
        </div>
      ))}
    </div>
  );
});

/** What a run shows in column `id` (react-table's cell renderer too). */
export function renderCell(d: TableRun, id: string): React.ReactNode {
  const r = d.run;
  switch (id) {
    case "name":
      return (
        <>
          <Link to={paths.run(r.entity, r.project, r.id)} className="run-link" title={r.id}>
            {r.display_name}
          </Link>
          {r.archived_at != null && <span className="archived-badge" data-testid="archived-badge">Archived</span>}
        </>
      );
    case "state":
      return <StateBadge state={r.state} />;
    case "created":
      return <span title={new Date(r.created_at * 1000).toLocaleString()}>{ago(r.created_at)}</span>;
    case "runtime":
      return duration(r.runtime);
    case "tags":
      return (r.tags ?? []).map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ));
    default: {
      const v = columnValue(d, id);
      const text = fmtValue(v);
      return <span title={text}>{text}</span>;
    }
  }
}
