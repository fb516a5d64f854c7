/**
 * A column's statistics over the rows the filter keeps, from the server: counts and empties; for
 * numbers min, max, mean, standard deviation and a histogram; otherwise the number of distinct
 * values and the most frequent ones. Opens under the column's header; Escape or × closes it.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { value as fmt } from "../lib/format";
import { statNumber, tableApi, type ColumnStats, type TableAsk, type TableRef } from "../lib/tableQuery";

export function TableStatsPopover(props: { run: TableRef; ask: TableAsk; column: string; onClose: () => void }): React.JSX.Element {
  const { run, ask, column, onClose } = props;
  const q = useQuery({
    queryKey: ["tableStats", run.entity, run.project, run.id, ask.path, ask.filter, column],
    queryFn: () => tableApi.stats(run, ask, [column]),
    staleTime: Infinity,
    retry: false,
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const stats = q.data?.columns[0];
  return (
    <div className="tv-stats" role="dialog" aria-label={`statistics of ${column}`} data-testid="table-stats">
      <div className="tv-stats-head">
        <strong>{column}</strong>
        {stats && <span className="muted"> {stats.kind}</span>}
        <button type="button" className="icon" onClick={onClose} aria-label="close statistics">
          ×
        </button>
      </div>
      {q.isPending && <div className="muted">Computing…</div>}
      {q.isError && <div className="filter-error">{(q.error as Error).message}</div>}
      {stats && <StatsBody stats={stats} filtered={ask.filter.trim() !== ""} matched={q.data?.matched_rows ?? 0} />}
    </div>
  );
}

function StatsBody({ stats, filtered, matched }: { stats: ColumnStats; filtered: boolean; matched: number }): React.JSX.Element {
  const rows: [string, string][] = [
    [filtered ? "matched" : "rows", statNumber(matched)],
    ["values", statNumber(stats.count)],
    ["empty", statNumber(stats.nulls)],
  ];
  if (stats.kind === "number") rows.push(["min", statNumber(stats.min)], ["max", statNumber(stats.max)], ["mean", statNumber(stats.mean)], ["std", statNumber(stats.std)]);
  else rows.push(["distinct", statNumber(stats.distinct)]);
  return (
    <>
      <dl className="tv-stats-grid">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt className="muted">{k}</dt>
            <dd data-stat={k}>{v}</dd>
          </div>
        ))}
      </dl>
      {stats.histogram && <Histogram edges={stats.histogram.edges} counts={stats.histogram.counts} />}
      {stats.top && stats.top.length > 0 && (
        <ol className="tv-top">
          {stats.top.map((t, i) => (
            <li key={i}>
              <span className="tv-top-value">{fmt(t.value) || <span className="muted">(empty string)</span>}</span>
              <span className="muted">{t.count.toLocaleString()}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

function Histogram({ edges, counts }: { edges: number[]; counts: number[] }): React.JSX.Element {
  const max = Math.max(1, ...counts);
  const w = 240;
  const h = 60;
  const bw = w / Math.max(1, counts.length);
  return (
    <figure className="tv-hist">
      <svg width={w} height={h} role="img" aria-label="histogram">
        {counts.map((c, i) => (
          <rect key={i} x={i * bw + 0.5} y={h - (c / max) * h} width={Math.max(1, bw - 1)} height={(c / max) * h}>
            <title>{`${statNumber(edges[i])} – ${statNumber(edges[i + 1])}: ${c.toLocaleString()}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="muted">
        <span>{statNumber(edges[0])}</span>
        <span>{statNumber(edges[edges.length - 1])}</span>
      </figcaption>
    </figure>
  );
}
