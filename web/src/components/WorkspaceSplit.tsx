/**
 * The workspace body: the runs table and the charts side by side with a divider between them
 * (lib/split.ts). Drag the divider to resize the table (a guide line follows the pointer and the
 * table takes its width on release, so the charts are laid out once, not on every pointer move);
 * its ‹ and › buttons collapse the table to a narrow run list or expand it to the full width (no
 * charts); with the keyboard, focus the divider: ← →, Home, End, Enter. The choice is kept per user
 * and project in the browser (lib/tableView.ts).
 */
import { useCallback, useRef, useState } from "react";
import { useWidth } from "../lib/useWidth";
import { collapse, DEFAULT_MIN_PX, DEFAULT_SHARE, dragTo, expand, LIST_PX, MIN_CHARTS_PX, MIN_TABLE_PX, maxTableWidth, splitKey, type SplitMode, type SplitState } from "../lib/split";
import "./tablecompare.css";

const TITLES: Record<SplitMode, [string, string]> = {
  list: ["", "Show the runs table beside the charts"],
  split: ["Collapse the runs table to a run list", "Expand the runs table to the full width"],
  table: ["Show the charts beside the runs table", ""],
};

/** The table and the charts, in that order, as its two children. */
export function SplitBody(props: { split: SplitState; onSplit: (s: SplitState) => void; children: [table: React.ReactNode, charts: React.ReactNode] }): React.JSX.Element {
  const { split, onSplit } = props;
  const [table, charts] = props.children;
  // The workspace's width: the table's widest (the charts keep their room) and the keys' bounds.
  const [body, total] = useWidth(window.innerWidth);
  const [pane, shown] = useWidth(0);
  const [guide, setGuide] = useState<number | null>(null);
  const dragging = useRef(false);
  const xOf = (clientX: number): number => clientX - (body.current?.getBoundingClientRect().left ?? 0);
  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      const next = splitKey(split, e.key, e.shiftKey, total, shown);
      if (!next) return;
      e.preventDefault();
      onSplit(next);
    },
    [split, onSplit, total, shown],
  );
  const [collapseTitle, expandTitle] = TITLES[split.mode];
  const paneStyle: React.CSSProperties =
    split.mode === "list"
      ? { width: LIST_PX }
      : split.mode === "split"
        ? { width: split.width ?? DEFAULT_SHARE, maxWidth: `calc(100% - ${MIN_CHARTS_PX}px)`, minWidth: split.width === null ? DEFAULT_MIN_PX : MIN_TABLE_PX }
        : {};
  return (
    <div className="ws-body" ref={body} data-split={split.mode}>
      <div className={`ws-table-pane ${split.mode}`} style={paneStyle} ref={pane} data-testid="table-pane">
        {table}
      </div>
      <div
        className="ws-divider"
        role="separator"
        aria-orientation="vertical"
        aria-label="Runs table width: drag, or ← → (Home: run list, End: full-width table, Enter: beside the charts)"
        aria-valuemin={MIN_TABLE_PX}
        aria-valuemax={maxTableWidth(total)}
        aria-valuenow={shown}
        tabIndex={0}
        data-testid="split-divider"
        data-mode={split.mode}
        onKeyDown={onKeyDown}
        onPointerDown={(e) => {
          if (e.button !== 0 || split.mode === "table" || (e.target as HTMLElement).closest("button")) return;
          e.preventDefault();
          e.currentTarget.setPointerCapture(e.pointerId);
          dragging.current = true;
          setGuide(xOf(e.clientX));
        }}
        onPointerMove={(e) => dragging.current && setGuide(xOf(e.clientX))}
        onPointerUp={(e) => {
          if (!dragging.current) return;
          dragging.current = false;
          setGuide(null);
          onSplit(dragTo(xOf(e.clientX), total));
        }}
        onPointerCancel={() => {
          dragging.current = false;
          setGuide(null);
        }}
      >
        {split.mode !== "list" && (
          <button className="split-btn" onClick={() => onSplit(collapse(split))} title={collapseTitle} aria-label={collapseTitle} data-testid="split-collapse">
            ‹
          </button>
        )}
        {split.mode !== "table" && (
          <button className="split-btn" onClick={() => onSplit(expand(split))} title={expandTitle} aria-label={expandTitle} data-testid="split-expand">
            ›
          </button>
        )}
      </div>
      {guide !== null && <div className="split-guide" style={{ left: Math.min(Math.max(guide, MIN_TABLE_PX), maxTableWidth(total)) }} aria-hidden />}
      {split.mode !== "table" && charts}
    </div>
  );
}
