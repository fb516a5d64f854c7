/**
 * The runs table: every config key and summary metric is a column; sort, column picker, pinned
 * columns, group by any column with collapsible groups, show/hide runs in charts (eye), a stable
 * colour per run. Rows are virtualized, so 10,000 runs scroll as smoothly as 10.
 */
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { value as fmtValue } from "../lib/format";
import { runGroup } from "../lib/groupKeys";
import { setHighlightedRun } from "../lib/highlight";
import { groupColor, groupColorKey, hasPickedColor, runColor, useColorVersion } from "../lib/panels";
import { useColumnResize, type OnColumnWidth } from "./ColumnResize";
import { RunColorPicker, type ColorTarget } from "./RunColorPicker";
import { CTRL_WIDTH, RunRow, cellStyle, laidOut, renderCell, type RowColumns } from "./RunRow";
import { columnValue, type TableRun } from "../lib/tableRun";
import { selectionState, toggleAll } from "../lib/bulkRuns";

// Where the rest of the UI has always found them.
export { columnValue, type TableRun };

export type Row = { kind: "group"; label: string; count: number; open: boolean } | { kind: "run"; data: TableRun };


export function columnLabel(id: string): string {
  if (id.startsWith("c:")) return id.slice(2);
  if (id.startsWith("s:")) return id.slice(2);
  return { name: "Name", state: "State", created: "Created", runtime: "Runtime", group: "Group", job_type: "Job type", tags: "Tags", notes: "Notes" }[id] ?? id;
}

/** A group's label, the same in the table's group rows and the charts' legend and tooltip. */
export function groupLabel(v: unknown): string {
  return v === null || v === undefined || v === "" ? "(none)" : fmtValue(v);
}

function sortValue(v: unknown): number | string {
  if (typeof v === "number") return Number.isFinite(v) ? v : -Infinity;
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

interface Props {
  rows: TableRun[];
  columnIds: string[];
  visibility: VisibilityState;
  pinned: string[];
  /** Column ids to group by, in order (several: one group per combination of values). */
  groupBy: readonly string[] | null;
  hidden: ReadonlySet<string>;
  /** The runs the charts draw (the first "Runs in charts" of the table, minus hidden ones); absent:
   * every run not hidden. */
  drawn?: ReadonlySet<string>;
  collapsed: ReadonlySet<string>;
  onToggleHidden: (key: string) => void;
  onToggleGroup: (label: string) => void;
  onTogglePin: (id: string) => void;
  selected: ReadonlySet<string>;
  onToggleSelected: (key: string) => void;
  /** The header's checkbox: the selection after ticking (or unticking) every row the filter shows. */
  onSelectAll?: (next: Set<string>) => void;
  sorting: SortingState;
  onSorting: (s: SortingState) => void;
  /** Headers other than the column's key (`loss (min)` for a define_metric summary) and their tooltips. */
  labels?: ReadonlyMap<string, { label: string; title: string }>;
  /** Column widths the user dragged, by column id; `onColumnWidth` keeps a new one (null: default). */
  widths?: Readonly<Record<string, number>>;
  onColumnWidth?: OnColumnWidth;
  /** A colour picked on a swatch: run key (`entity/project/id`) or `group:<label>`; null resets it. */
  onPickColor?: (key: string, color: string | null) => void;
}

const NO_ROWS: TableRun[] = [];

/** Memoized: the workspace re-renders for chart and layout state that does not concern the table. */
export const RunsTable = memo(function RunsTable(p: Props): React.JSX.Element {
  // The first render shows the header only and the rows follow in a background render: the
  // workspace's first charts draw meanwhile instead of waiting for 1,000 rows' table model. Later
  // changes (filter, sort) show at once.
  const [filled, setFilled] = useState(false);
  useEffect(() => startTransition(() => setFilled(true)), []);
  const rows = filled ? p.rows : NO_ROWS;
  // Rows show the colours of lib/panels: render again when the user picks one.
  useColorVersion();
  const [picking, setPicking] = useState<ColorTarget | null>(null);
  const { onPickColor } = p;
  const openPicker = useCallback((key: string, name: string, color: string, el: Element) => {
    const box = el.getBoundingClientRect();
    setPicking((now) => (now?.key === key ? null : { key, name, color, picked: hasPickedColor(key), at: { left: box.left, bottom: box.bottom } }));
  }, []);
  const closePicker = useCallback(() => setPicking(null), []);
  const pick = useCallback(
    (key: string, color: string | null) => {
      onPickColor?.(key, color);
      setPicking((now) => (now ? { ...now, color: color ?? now.color, picked: color !== null } : now));
      if (color === null) setPicking(null);
    },
    [onPickColor],
  );
  const resize = useColumnResize(p.widths, p.onColumnWidth);
  const { sizes } = resize;
  const columns = useMemo<ColumnDef<TableRun>[]>(
    () =>
      p.columnIds.map((id) => ({
        id,
        header: p.labels?.get(id)?.label ?? columnLabel(id),
        accessorFn: (r: TableRun) => sortValue(columnValue(r, id)),
        sortUndefined: "last",
        size: sizes[id] ?? (id === "name" ? 220 : id === "notes" ? 200 : 120),
        cell: (ctx) => renderCell(ctx.row.original, id),
      })),
    [p.columnIds, p.labels, sizes],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting: p.sorting, columnVisibility: p.visibility, columnPinning: { left: p.pinned } },
    onSortingChange: (u) => p.onSorting(typeof u === "function" ? u(p.sorting) : u),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const sorted = table.getRowModel().rows;
  const flat: Row[] = useMemo(() => {
    const by = p.groupBy;
    if (!by?.length) return sorted.map((r) => ({ kind: "run", data: r.original }));
    const groups = new Map<string, TableRun[]>();
    for (const r of sorted) {
      const label = runGroup(by, (id) => columnValue(r.original, id)).label;
      let list = groups.get(label);
      if (!list) groups.set(label, (list = []));
      list.push(r.original);
    }
    const out: Row[] = [];
    for (const [label, list] of groups) {
      const open = !p.collapsed.has(label);
      out.push({ kind: "group", label, count: list.length, open });
      if (open) for (const d of list) out.push({ kind: "run", data: d });
    }
    return out;
  }, [sorted, p.groupBy, p.collapsed]);

  const rowKeys = useMemo(() => p.rows.map((r) => r.key), [p.rows]);
  const ticked = selectionState(p.selected, rowKeys);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: flat.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 34,
    overscan: 12,
  });
  // Columns are virtualized too: a project's runs have dozens of config and summary columns, and
  // the table shows a handful at a time (rendering all of them was most of the table's cost).
  // Pinned columns come first and always render; they stick to the left.
  const leaf = table.getVisibleLeafColumns();
  const pinnedCols = leaf.filter((c) => c.getIsPinned());
  const centerCols = leaf.filter((c) => !c.getIsPinned());
  const pinnedOffsets = new Map<string, number>();
  let off = CTRL_WIDTH;
  for (const c of pinnedCols) {
    pinnedOffsets.set(c.id, off);
    off += c.getSize();
  }
  // Keyed by id and width: the virtualizer lays its columns out again when one is resized (it
  // recomputes only when an option such as this one changes, not when estimateSize's answer does).
  const centerKey = JSON.stringify(centerCols.map((c) => [c.id, c.getSize()]));
  const centerIds = useMemo(() => (JSON.parse(centerKey) as [string, number][]).map(([id]) => id), [centerKey]);
  const getColumnKey = useCallback((i: number) => centerIds[i] ?? i, [centerIds]);
  const columnsVirtual = useVirtualizer({
    horizontal: true,
    count: centerCols.length,
    getScrollElement: () => scroller.current,
    getItemKey: getColumnKey,
    estimateSize: (i) => centerCols[i]?.getSize() ?? 120,
    paddingStart: off,
    overscan: 2,
  });
  const shownCols = columnsVirtual.getVirtualItems();
  const firstCol = shownCols[0];
  const lastCol = shownCols[shownCols.length - 1];
  const padLeft = firstCol ? firstCol.start - off : 0;
  const padRight = lastCol ? columnsVirtual.getTotalSize() - lastCol.end : 0;
  const shown = [...pinnedCols, ...shownCols.map((v) => centerCols[v.index]).filter((c) => c !== undefined)];
  const width = off + centerCols.reduce((a, c) => a + c.getSize(), 0);
  const headers = new Map(table.getHeaderGroups()[0]?.headers.map((h) => [h.id, h]));
  // The rows' columns as plain data that keeps its identity while the table scrolls vertically,
  // so rows already on screen (memoized) are not rendered again for each scrolled frame.
  const columnsKey = JSON.stringify([shown.map((c) => [c.id, c.getSize(), pinnedOffsets.get(c.id) ?? null]), pinnedCols.length, padLeft, padRight]);
  const rowColumns: RowColumns = useMemo(
    () => ({
      cells: shown.map((c) => ({ id: c.id, width: c.getSize(), left: pinnedOffsets.get(c.id) ?? null })),
      pinned: pinnedCols.length,
      padLeft,
      padRight,
    }),
    [columnsKey], // those values, compared by content
  );

  return (
    // Pinned cells stick (position: sticky, in CSS) only while the table is scrolled sideways: every
    // sticky cell is a compositor layer, and ~90 of them made each frame of a vertical scroll spend
    // ~12 ms laying out layers.
    <div className={`runs-table${columnsVirtual.scrollOffset ? " scrolled-x" : ""}`} ref={scroller} data-testid="runs-table">
      <div className="rt-head" style={{ width }}>
        <div className="rt-cell rt-ctrl" style={{ width: CTRL_WIDTH, left: 0 }}>
          {p.onSelectAll && (
            <input
              type="checkbox"
              checked={ticked === "all" && rowKeys.length > 0}
              ref={(el) => {
                if (el) el.indeterminate = ticked === "some";
              }}
              onChange={() => p.onSelectAll?.(toggleAll(p.selected, rowKeys))}
              title={ticked === "all" ? "Untick every run shown" : `Tick every run shown (${rowKeys.length})`}
              aria-label="select all runs shown"
              data-testid="select-all-runs"
            />
          )}
        </div>
        {laidOut(rowColumns, (c) => {
          const h = headers.get(c.id);
          if (!h) return null;
          const sort = h.column.getIsSorted();
          return (
            <div
              key={h.id}
              className={`rt-cell rt-th${c.left !== null ? " pinned" : ""}`}
              style={cellStyle(c)}
              title={`${p.labels?.get(h.id)?.title ?? columnLabel(h.id)}: click to sort, shift-click adds a sort key`}
            >
              <button className="th-sort" onClick={h.column.getToggleSortingHandler()} data-col={h.id}>
                {flexRender(h.column.columnDef.header, h.getContext())}
                {sort === "asc" ? " ▲" : sort === "desc" ? " ▼" : ""}
              </button>
              <button
                className={`th-pin${h.column.getIsPinned() ? " on" : ""}`}
                onClick={() => p.onTogglePin(h.id)}
                title={h.column.getIsPinned() ? "Unpin column" : "Pin column to the left"}
                aria-label="pin column"
              >
                <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden>
                  <path d="M3 1h4v3l1.5 1.5H1.5L3 4zM5 5.5V9.5" stroke="currentColor" fill="none" />
                </svg>
              </button>
              {resize.handle(h.id, p.labels?.get(h.id)?.label ?? columnLabel(h.id), c.width)}
            </div>
          );
        })}
      </div>
      <div style={{ height: virtual.getTotalSize(), width, position: "relative" }}>
        {virtual.getVirtualItems().map((vi) => {
          const row = flat[vi.index];
          if (!row) return null;
          const style: React.CSSProperties = { transform: `translateY(${vi.start}px)`, height: vi.size, width };
          if (row.kind === "group") {
            return (
              <div key={`g:${row.label}`} className="rt-row rt-group" style={style} onClick={() => p.onToggleGroup(row.label)} onMouseEnter={() => setHighlightedRun(groupColorKey(row.label))} onMouseLeave={() => setHighlightedRun(null)} data-testid="group-row" data-open={row.open} aria-expanded={row.open} title={`${(p.groupBy ?? []).map(columnLabel).join(" · ")}: ${row.label} (click to ${row.open ? "collapse" : "expand"})`}>
                {/* Sticky: the group's name stays in view while the table is scrolled sideways. */}
                <span className="rt-group-label" style={{ position: "sticky", left: 12, display: "inline-flex", alignItems: "center", gap: 6 }}>
                  <span className="caret">{row.open ? "▾" : "▸"}</span>{" "}
                  <button
                    className="run-swatch"
                    data-color-swatch
                    title="Colour of this group (click to change)"
                    aria-label={`colour of ${row.label}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      openPicker(groupColorKey(row.label), row.label, groupColor(row.label), e.currentTarget);
                    }}
                  >
                    <span className="swatch" style={{ background: groupColor(row.label) }} data-color={groupColor(row.label)} />
                  </button>{" "}
                  <strong>{row.label}</strong> <span className="muted">{row.count === 1 ? "1 run" : `${row.count} runs`}</span>
                </span>
              </div>
            );
          }
          return (
            <RunRow
              key={row.data.key}
              d={row.data}
              top={vi.start}
              height={vi.size}
              width={width}
              cols={rowColumns}
              hidden={p.hidden.has(row.data.key)}
              undrawn={p.drawn !== undefined && !p.drawn.has(row.data.key)}
              selected={p.selected.has(row.data.key)}
              color={runColor(row.data.key)}
              onToggleHidden={p.onToggleHidden}
              onToggleSelected={p.onToggleSelected}
              onColor={openPicker}
            />
          );
        })}
      </div>
      {picking && <RunColorPicker target={picking} onPick={pick} onClose={closePicker} />}
    </div>
  );
});
