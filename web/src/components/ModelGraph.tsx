/** The watched model's module tree (`run.watch(model, log_graph=True)`), on the run's overview:
 * a collapsible table of modules with their class, output shape and parameter count. */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, type RunOut } from "../api/client";
import { formatNumber } from "../lib/format";
import { graphRows, parseGraph, visibleRows } from "../lib/modelGraph";

/** Summary entries that hold a model graph (`graph_0`, ...), with their file path. */
export function graphEntries(summary: Record<string, unknown>): [string, string][] {
  return Object.entries(summary)
    .filter(([, v]) => !!v && typeof v === "object" && (v as { _type?: unknown })._type === "graph-file" && typeof (v as { path?: unknown }).path === "string")
    .map(([k, v]) => [k, (v as { path: string }).path]);
}

export function ModelGraph({ run, name, path }: { run: RunOut; name: string; path: string }): React.JSX.Element {
  const q = useQuery({ queryKey: ["graph", run.entity, run.project, run.id, path], queryFn: () => api.fileJson(run.entity, run.project, run.id, path), staleTime: Infinity });
  const parsed = useMemo(() => {
    if (q.data === undefined) return { rows: [], error: null };
    try {
      return { rows: graphRows(parseGraph(q.data)), error: null };
    } catch (e) {
      return { rows: [], error: (e as Error).message };
    }
  }, [q.data]);
  const rows = parsed.rows;
  // The model and its direct children open; deeper modules on request.
  const [expanded, setExpanded] = useState<Set<number> | null>(null);
  const open = expanded ?? new Set(rows.filter((r) => r.depth === 0).map((r) => r.id));
  const toggle = (id: number): void => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };
  const error = q.isError ? (q.error as Error).message : parsed.error;
  const root = rows[0];
  return (
    <section className="model-graph" data-testid="model-graph">
      <h2>
        Model <span className="muted">{name}</span>
      </h2>
      {error && <div className="filter-error">{error}</div>}
      {q.isPending && <p className="muted">Loading…</p>}
      {root && (
        <p className="muted" data-testid="model-graph-total">
          {root.className}: <span title={root.params.toLocaleString()}>{formatNumber(root.params)}</span> parameters in {rows.length} modules
        </p>
      )}
      {rows.length > 0 && (
        <table className="grid-table model-graph-table">
          <thead>
            <tr>
              <th>Module</th>
              <th>Type</th>
              <th>Output shape</th>
              <th>Parameters</th>
            </tr>
          </thead>
          <tbody>
            {visibleRows(rows, open).map((r) => (
              <tr key={r.id} data-testid="model-graph-row" data-path={r.path}>
                <td style={{ paddingLeft: 8 + r.depth * 16 }}>
                  {r.hasChildren ? (
                    <button type="button" className="link" aria-expanded={open.has(r.id)} onClick={() => toggle(r.id)} aria-label={`${open.has(r.id) ? "collapse" : "expand"} ${r.path || "model"}`}>
                      {open.has(r.id) ? "▾" : "▸"}
                    </button>
                  ) : (
                    <span className="tree-leaf" />
                  )}{" "}
                  {r.label || <em>model</em>}
                </td>
                <td className="model-graph-class" title={r.ownParams.join("\n")}>
                  {r.className}
                </td>
                <td className="model-graph-shape">{r.outputShape}</td>
                <td className="num" title={r.params.toLocaleString()}>
                  {r.params ? formatNumber(r.params) : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
