/**
 * A logged wandb.Table: columns and rows with media cells rendered (image thumbnails, audio
 * players), sort by clicking a header, a filter expression over the row (lib/rowexpr: parsed,
 * never eval'd), the row count, and CSV export. Rows are client-side and virtualized.
 */
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useDeferredValue, useMemo, useRef } from "react";
import { api } from "../api/client";
import { cellText, isMedia, isSafeFilePath, mediaKind, parseTable, sortRows, toCsv, type MediaRef } from "../lib/media";
import { compileRowFilter } from "../lib/rowexpr";
import { value as fmt } from "../lib/format";
import { useParamState } from "../router";
import { fileUrl, ImageView, type RunRef } from "./MediaView";

/** With `urlKey`, the filter and sort live in the URL (?filter:<key>=..., ?sort:<key>=-col). */
export function TableViewer(props: { run: RunRef; value: MediaRef; name: string; urlKey?: string }): React.JSX.Element {
  const { run, value } = props;
  const path = value.path ?? "";
  const q = useQuery({
    queryKey: ["table", run.entity, run.project, run.id, path],
    queryFn: async () => {
      if (!isSafeFilePath(path)) throw new Error(`refusing the file path ${JSON.stringify(path)}`);
      return parseTable(await api.fileJson(run.entity, run.project, run.id, path));
    },
    staleTime: Infinity,
    enabled: path !== "",
  });
  const [sortParam, setSortParam] = useParamState(props.urlKey === undefined ? null : `sort:${props.urlKey}`);
  const [filterParam, setFilterParam] = useParamState(props.urlKey === undefined ? null : `filter:${props.urlKey}`);
  const sort = sortParam ? { col: sortParam.replace(/^-/, ""), desc: sortParam.startsWith("-") } : null;
  const filter = filterParam ?? "";
  const setFilter = (v: string): void => setFilterParam(v || null);
  const deferred = useDeferredValue(filter);
  const table = q.data;

  const { rows, error } = useMemo(() => {
    if (!table) return { rows: [], error: null };
    let rows = table.rows;
    let error: string | null = null;
    if (deferred.trim()) {
      try {
        rows = rows.filter(compileRowFilter(deferred, table.columns));
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (sort) rows = sortRows(rows, sort.col, sort.desc);
    return { rows, error };
  }, [table, deferred, sort]);

  const index = useMemo(() => new Map((table?.rows ?? []).map((r, i) => [r, i])), [table]);
  const hasMedia = useMemo(() => (table?.rows.slice(0, 50) ?? []).some((r) => Object.values(r).some(isMedia)), [table]);
  const rowHeight = hasMedia ? 92 : 34;
  // Long-text columns get more of the width than ids and numbers.
  const widths = useMemo(() => {
    const sample = table?.rows.slice(0, 50) ?? [];
    return (table?.columns ?? []).map((c) => {
      const avg = sample.reduce((n, r) => n + (isMedia(r[c]) ? 20 : cellText(r[c]).length), 0) / Math.max(1, sample.length);
      return Math.min(4, Math.max(1, Math.round(avg / 15)));
    });
  }, [table]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 10 });

  if (!path) return <div className="muted">This table has no file.</div>;
  if (q.isPending) return <div className="loading">Loading table…</div>;
  if (q.isError) return <div className="filter-error">Could not load the table: {(q.error as Error).message}</div>;
  const columns = q.data.columns;
  const template = `64px ${widths.map((w) => `minmax(120px, ${w}fr)`).join(" ")}`;
  const exportCsv = (): void => {
    const url = URL.createObjectURL(new Blob([toCsv(columns, rows)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${props.name.replace(/[^\w.-]+/g, "_")}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const first = q.data.rows[0] ?? {};
  const numCol = columns.find((c) => typeof first[c] === "number");
  const strCol = columns.find((c) => typeof first[c] === "string" && String(first[c]).length <= 16) ?? columns.find((c) => typeof first[c] === "string");
  const example = [numCol && `row[${JSON.stringify(numCol)}] < 0.5`, strCol && `row[${JSON.stringify(strCol)}] != ${JSON.stringify(String(first[strCol]).slice(0, 20))}`].filter(Boolean).join(" and ");
  const placeholder = `Filter rows${example ? `, e.g. ${example}` : ': row["column"] == "value" and/or/not ...'}`;
  const clickSort = (col: string): void => setSortParam(sort?.col !== col ? col : sort.desc ? null : `-${col}`);
  return (
    <div className="table-viewer" data-testid="table-viewer">
      <div className="toolbar">
        <input
          className={`filter${error ? " invalid" : ""}`}
          placeholder={placeholder}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="filter table rows"
          data-testid="table-filter"
        />
        <span className="muted" data-testid="table-count">
          {rows.length === q.data.rows.length ? `${rows.length} rows` : `${rows.length} of ${q.data.rows.length} rows`}
        </span>
        <button type="button" onClick={exportCsv} data-testid="table-csv">
          Export CSV
        </button>
      </div>
      {error && (
        <div className="filter-error" role="alert">
          {error}
        </div>
      )}
      <div className="tv-scroll" ref={scroller}>
        <div className="tv-head" style={{ gridTemplateColumns: template }}>
          <div className="tv-cell muted">#</div>
          {columns.map((c) => (
            <button key={c} type="button" className="tv-cell tv-th" onClick={() => clickSort(c)} data-testid="table-th" data-column={c} aria-sort={sort?.col === c ? (sort.desc ? "descending" : "ascending") : "none"}>
              {c} {sort?.col === c ? (sort.desc ? "▼" : "▲") : ""}
            </button>
          ))}
        </div>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((vi) => {
            const row = rows[vi.index];
            if (!row) return null;
            return (
              <div key={vi.key} className="tv-row" data-testid="table-row" style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${vi.start}px)` }}>
                <div className="tv-cell muted">{index.get(row) ?? vi.index}</div>
                {columns.map((c) => (
                  <div key={c} className="tv-cell" data-column={c}>
                    <Cell run={run} v={row[c]} />
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

function Cell({ run, v }: { run: RunRef; v: unknown }): React.JSX.Element {
  if (isMedia(v)) {
    const kind = mediaKind(v);
    if (kind === "image" && v.path) return <ImageView src={fileUrl(run, v.path)} caption={v.caption ?? null} width={v.width} height={v.height} compact />;
    if (kind === "audio" && v.path) return <audio controls preload="none" src={fileUrl(run, v.path)} />;
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
