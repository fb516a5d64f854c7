/** The Lineage tab: the runs and versions around this version, `depth` hops either way (the `depth`
 * URL parameter), as an interactive graph. */
import { useQuery } from "@tanstack/react-query";
import { setParams, useLocation } from "../router";
import { artifactsApi, keys } from "./api";
import { ErrorState } from "./common";
import { LineageGraphView } from "./LineageGraph";
import type { ArtifactVersionOut } from "./types";

const DEPTHS = [1, 2, 3, 4, 5, 6];

export function parseDepth(raw: string | null): number {
  const n = Number(raw ?? 3);
  return Number.isInteger(n) && n >= 1 && n <= 6 ? n : 3;
}

export function LineageTab({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const depth = parseDepth(useLocation().search.get("depth"));
  const q = useQuery({
    queryKey: [...keys.version(v.entity, v.project, v.name, v.version), "lineage", depth],
    queryFn: () => artifactsApi.lineage(v.entity, v.project, v.name, v.version, depth),
    placeholderData: (prev) => prev,
  });
  return (
    <div className="lineage" data-testid="lineage">
      <div className="toolbar">
        <label>
          Hops
          <select value={depth} onChange={(e) => setParams({ depth: e.target.value === "3" ? null : e.target.value })} data-testid="lineage-depth" aria-label="lineage depth">
            {DEPTHS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Inputs on the left, what they made on the right. Drag to pan, scroll to zoom, click a box to go to it.</span>
        {q.isFetching && <span className="muted">Loading…</span>}
      </div>
      {q.isPending && <div className="loading">Loading lineage…</div>}
      {q.isError && <ErrorState title="Could not load the lineage" error={q.error} />}
      {q.data && (
        <>
          {q.data.truncated && (
            <p className="muted" data-testid="lineage-truncated">
              The graph was cut at {q.data.nodes.length} nodes: fewer hops show the rest around this version.
            </p>
          )}
          {q.data.edges.length === 0 ? (
            <p className="muted" data-testid="lineage-empty">
              No lineage yet: this version was logged outside a run and no run has used it. <code>run.log_artifact(...)</code> records the
              run that made a version; <code>run.use_artifact("{v.name}:{v.version}")</code> records a run that used it.
            </p>
          ) : (
            <LineageGraphView graph={q.data} currentId={`artifact:${v.id}`} />
          )}
        </>
      )}
    </div>
  );
}
