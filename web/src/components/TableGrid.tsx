/**
 * The rows of a server-queried table, virtualized: only the pages (200 rows) under the visible
 * window are requested, so scrolling a 100,000-row table fetches a few small pages. Headers sort
 * (click: asc, desc, off; shift-click adds a key) and open the column's stats. Media cells render
 * as thumbnails and players; the first column is the row's place in the logged table.
 */
import { useQueries } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import { cellText, isMedia, mediaKind } from "../lib/media";
import { value as fmt } from "../lib/format";
import { PAGE_SIZE, pagesFor, tableApi, toggleSort, type SortKey, type TableAsk, type TableRef, type TableRows } from "../lib/tableQuery";
import { fileUrl, ImageView } from "./MediaView";
import { ViewerButton } from "./media/Sandboxed";
import { TableStatsPopover } from "./TableStats";
import { rowsKey } from "./TableView";

export function TableGrid(props: { run: TableRef; ask: TableAsk; first: TableRows; sort: SortKey[]; setSort: (keys: SortKey[]) => void; narrow?: boolean }): React.JSX.Element {
  const { run, ask, first } = props;
  const columns = first.columns;
  const [statsFor, setStatsFor] = useState<string | null>(null);
  const hasMedia = useMemo(() => first.rows.slice(0, 50).some((r) => r.some(isMedia)), [first]);
  const rowHeight = hasMedia ? 92 : 34;
  // Long-text columns get more of the width than ids and numbers.
  const template = useMemo(() => {
    const sample = first.rows.slice(0, 50);
    const widths = columns.map((_, i) => {
      const avg = sample.reduce((n, r) => n + (isMedia(r[i]) ? 20 : cellText(r[i]).length), 0) / Math.max(1, sample.length);
      return Math.min(4, Math.max(1, Math.round(avg / 15)));
    });
    // Side-by-side panes (compare) are narrower: smaller minimum widths keep every column in view.
    const min = props.narrow ? 72 : 120;
    return `${props.narrow ? 48 : 64}px ${widths.map((w) => `minmax(${min}px, ${w}fr)`).join(" ")}`;
  }, [first, columns, props.narrow]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: first.matched_rows, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 10 });
  const items = virtual.getVirtualItems();
  const pages = pagesFor(items[0]?.index ?? 0, items[items.length - 1]?.index ?? -1).filter((p) => p > 0);
  const more = useQueries({
    queries: pages.map((page) => ({
      queryKey: rowsKey(run, ask, page),
      queryFn: () => tableApi.rows(run, ask, page * PAGE_SIZE),
      staleTime: Infinity,
      retry: false,
    })),
  });
  const pageOf = (p: number): TableRows | undefined => (p === 0 ? first : more[pages.indexOf(p)]?.data);
  const sortAt = (col: string): number => props.sort.findIndex((s) => s.col === col);

  return (
    <div className="tv-grid-wrap">
      {statsFor !== null && columns.some((c) => c.name === statsFor) && <TableStatsPopover run={run} ask={ask} column={statsFor} onClose={() => setStatsFor(null)} />}
      <div className="tv-scroll" ref={scroller}>
        <div className="tv-head" style={{ gridTemplateColumns: template }}>
          <div className="tv-cell muted">#</div>
          {columns.map((c) => {
            const at = sortAt(c.name);
            const key = props.sort[at];
            return (
              <div key={c.name} className="tv-th-wrap">
                <button
                  type="button"
                  className="tv-cell tv-th"
                  onClick={(e) => props.setSort(toggleSort(props.sort, c.name, e.shiftKey))}
                  title={`Sort by ${c.name} (${c.kind}); shift-click to add a sort key`}
                  data-testid="table-th"
                  data-column={c.name}
                  aria-sort={key ? (key.desc ? "descending" : "ascending") : "none"}
                >
                  {c.name} {key ? (key.desc ? "▼" : "▲") : ""}
                  {key && props.sort.length > 1 ? <sup>{at + 1}</sup> : null}
                </button>
                <button type="button" className="icon tv-stats-btn" onClick={() => setStatsFor(statsFor === c.name ? null : c.name)} aria-label={`stats of ${c.name}`} data-testid="table-stats-btn" data-column={c.name}>
                  σ
                </button>
              </div>
            );
          })}
        </div>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((vi) => {
            const page = pageOf(Math.floor(vi.index / PAGE_SIZE));
            const at = vi.index % PAGE_SIZE;
            const row = page?.rows[at];
            return (
              <div key={vi.key} className={`tv-row${row ? "" : " tv-pending"}`} data-testid={row ? "table-row" : "table-row-pending"} style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${vi.start}px)` }}>
                <div className="tv-cell muted">{page?.row_index[at] ?? "…"}</div>
                {columns.map((c, i) => (
                  <div key={c.name} className="tv-cell" data-column={c.name}>
                    {row && <Cell run={run} v={row[i]} />}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Cell({ run, v }: { run: TableRef; v: unknown }): React.JSX.Element {
  if (isMedia(v)) {
    const kind = mediaKind(v);
    if (kind === "image" && v.path) return <ImageView src={fileUrl(run, v.path)} caption={v.caption ?? null} width={v.width} height={v.height} compact />;
    if (kind === "audio" && v.path) return <audio controls preload="none" src={fileUrl(run, v.path)} />;
    if ((kind === "object3d" || kind === "molecule" || kind === "plotly") && v.path) return <ViewerButton kind={kind} src={fileUrl(run, v.path)} name={v.path} caption={v.caption ?? null} />;
    if (v.path)
      return (
        <a href={fileUrl(run, v.path)} target="_blank" rel="noreferrer">
          [{v._type}]
        </a>
      );
    return <span className="muted">[{v._type}]</span>;
  }
  return <span title={typeof v === "string" ? v : undefined}>{fmt(v)}</span>;
}
