/**
 * Parameter importance as W&B shows it: one row per config parameter (and per value of a small
 * categorical), its random-forest importance as a bar, and its correlation with the metric as a bar
 * from the middle, green when the metric rises with the parameter and red when it falls. Click a
 * column title to sort by it.
 */
import { useMemo, useState } from "react";
import type { ImportanceOut, ParamImportance } from "../api/sweeps";

type SortKey = "importance" | "correlation" | "name";

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? "–" : v.toFixed(3));

export function rowLabel(p: ParamImportance): string {
  return p.value === null || p.value === undefined ? p.name : `${p.name} = ${p.value}`;
}

export function ImportanceTable({ data, limit }: { data: ImportanceOut; limit?: number }): React.JSX.Element {
  const [sort, setSort] = useState<SortKey>("importance");
  const rows = useMemo(() => {
    const list = [...data.params];
    if (sort === "name") list.sort((a, b) => rowLabel(a).localeCompare(rowLabel(b)));
    else if (sort === "correlation") list.sort((a, b) => Math.abs(b.correlation ?? 0) - Math.abs(a.correlation ?? 0));
    return limit ? list.slice(0, limit) : list;
  }, [data.params, sort, limit]);
  if (data.params.length === 0)
    return (
      <p className="muted" data-testid="importance-empty">
        {data.run_count < 2 ? `Importance needs at least two runs with ${data.metric}; ${data.run_count === 1 ? "one has" : "none has"} it yet.` : "No config parameter varies across these runs."}
      </p>
    );
  const head = (key: SortKey, label: string, title: string): React.JSX.Element => (
    <th className={key === "name" ? "" : "imp-col"} aria-sort={sort === key ? "descending" : "none"}>
      <button className="link" onClick={() => setSort(key)} title={title}>
        {label}
        {sort === key ? " ↓" : ""}
      </button>
    </th>
  );
  return (
    <table className="importance" data-testid="importance" data-metric={data.metric} data-runs={data.run_count}>
      <thead>
        <tr>
          {head("name", "Config parameter", "Sort by name")}
          {head("importance", "Importance", "How much a random forest predicting the metric relies on this parameter (all rows sum to 1)")}
          {head("correlation", "Correlation", "Linear correlation with the metric: green when the metric rises with the parameter, red when it falls")}
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => {
          const imp = p.importance ?? 0;
          const corr = p.correlation;
          return (
            <tr key={`${p.name}\u0000${p.value ?? ""}`} data-testid="importance-row" data-param={p.name} data-value={p.value ?? ""} data-importance={p.importance ?? ""} data-correlation={corr ?? ""}>
              <td className="imp-name" title={rowLabel(p)}>
                {p.name}
                {p.value !== null && p.value !== undefined && <span className="muted"> = {p.value}</span>}
              </td>
              <td className="imp-col" title={`importance ${pct(p.importance)}`}>
                <span className="imp-bar">
                  <span className="imp-fill" style={{ width: `${Math.round(imp * 100)}%` }} />
                </span>
                <span className="imp-num">{pct(p.importance)}</span>
              </td>
              <td className="imp-col" title={corr === null || corr === undefined ? "no linear correlation for a label-encoded category" : `correlation ${corr.toFixed(3)}`}>
                <span className="corr-bar">
                  {corr !== null && corr !== undefined && (
                    <span
                      className={`corr-fill ${corr >= 0 ? "pos" : "neg"}`}
                      data-testid="corr-fill"
                      style={corr >= 0 ? { left: "50%", width: `${Math.abs(corr) * 50}%` } : { right: "50%", width: `${Math.abs(corr) * 50}%` }}
                    />
                  )}
                </span>
                <span className={`imp-num ${corr === null || corr === undefined ? "" : corr >= 0 ? "pos" : "neg"}`}>{pct(corr)}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
