/**
 * Rows grouped by one column on the server: each group's size (with a bar) and the mean, min and
 * max of every numeric column, largest groups first. Clicking a group filters the table to it.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { value as fmt } from "../lib/format";
import { statNumber, tableApi, type TableAsk, type TableColumn, type TableRef } from "../lib/tableQuery";

export function TableGroupsView(props: { run: TableRef; ask: TableAsk; by: string; columns: readonly TableColumn[]; onPick: (key: unknown) => void }): React.JSX.Element {
  const { run, ask, by } = props;
  const q = useQuery({
    queryKey: ["tableGroups", run.entity, run.project, run.id, ask.path, ask.filter, by],
    queryFn: () => tableApi.groups(run, ask, by),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  if (q.isPending) return <div className="loading">Grouping…</div>;
  if (q.isError) return <div className="filter-error">{(q.error as Error).message}</div>;
  const numeric = props.columns.filter((c) => c.kind === "number" && c.name !== by).map((c) => c.name);
  const max = Math.max(1, ...q.data.groups.map((g) => g.count));
  const template = `minmax(140px, 2fr) minmax(140px, 1.5fr) ${numeric.map(() => "minmax(150px, 1fr)").join(" ")}`;
  return (
    <div className="tv-scroll" data-testid="table-groups">
      <div className="tv-head" style={{ gridTemplateColumns: template }}>
        <div className="tv-cell tv-th">{by}</div>
        <div className="tv-cell tv-th">rows</div>
        {numeric.map((c) => (
          <div key={c} className="tv-cell tv-th" title="mean (min – max)">
            {c} <span className="muted">mean (min–max)</span>
          </div>
        ))}
      </div>
      {q.data.groups.map((g, i) => (
        <button type="button" key={i} className="tv-group-row" style={{ gridTemplateColumns: template }} onClick={() => props.onPick(g.key)} data-testid="table-group" data-key={String(g.key)} title="show these rows">
          <span className="tv-cell">{g.key === null ? <span className="muted">(empty)</span> : fmt(g.key) || <span className="muted">(empty string)</span>}</span>
          <span className="tv-cell tv-count">
            <span className="tv-bar" style={{ width: `${(g.count / max) * 100}%` }} />
            <span data-testid="table-group-count">{g.count.toLocaleString()}</span>
          </span>
          {numeric.map((c) => {
            const a = g.aggregates[c];
            return (
              <span key={c} className="tv-cell" data-column={c}>
                {statNumber(a?.mean)} <span className="muted">({statNumber(a?.min)} – {statNumber(a?.max)})</span>
              </span>
            );
          })}
        </button>
      ))}
      <div className="muted tv-groups-foot">
        {q.data.total_groups.toLocaleString()} groups over {q.data.matched_rows.toLocaleString()} rows
        {q.data.total_groups > q.data.groups.length && `; the ${q.data.groups.length} largest shown`}
      </div>
    </div>
  );
}
