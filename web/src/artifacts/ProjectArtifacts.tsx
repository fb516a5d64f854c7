/** A project's artifacts: collections grouped by type (dataset, model, ...), each with its version
 * count, latest version, aliases and last update; searchable by name (the `q` URL parameter). */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Empty } from "../components/Empty";
import { ago, dateTime } from "../lib/format";
import { Link, paths, setParams, useLocation } from "../router";
import { artifactsApi, keys } from "./api";
import { AliasChips, ErrorState, NoArtifacts, ProjectHeader } from "./common";
import { groupByType } from "./collections";

export function ProjectArtifacts({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const search = useLocation().search.get("q") ?? "";
  const q = useQuery({ queryKey: [...keys.project(entity, project), "collections"], queryFn: () => artifactsApi.collections(entity, project), refetchInterval: 30_000 });
  const groups = useMemo(() => groupByType(q.data ?? [], search), [q.data, search]);
  return (
    <div className="page artifacts-page">
      <ProjectHeader entity={entity} project={project} />
      {q.isPending && <div className="loading">Loading artifacts…</div>}
      {q.isError && <ErrorState title="Could not load the artifacts" error={q.error} />}
      {q.data && q.data.length === 0 && <NoArtifacts title={`No artifacts in ${entity}/${project} yet`} />}
      {q.data && q.data.length > 0 && (
        <>
          <div className="toolbar">
            <input
              type="search"
              id="run-filter"
              placeholder="Search artifacts by name (press /)"
              value={search}
              onChange={(e) => setParams({ q: e.target.value })}
              aria-label="search artifacts"
              data-testid="artifact-search"
            />
            <span className="muted">
              {q.data.length === 1 ? "1 artifact" : `${q.data.length} artifacts`} of {new Set(q.data.map((c) => c.type)).size} types
            </span>
          </div>
          {groups.length === 0 && <Empty title={`No artifact name contains “${search}”`} />}
          {groups.map(([type, list]) => {
            const described = list.some((c) => c.description);
            return (
            <section key={type} className="artifact-type" data-testid="artifact-type" data-type={type}>
              <h2>
                <span className="type-badge">{type}</span> <span className="muted">{list.length}</span>
              </h2>
              <table className="grid-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th className="num">Versions</th>
                    <th>Latest</th>
                    <th>Aliases</th>
                    <th>Updated</th>
                    {described && <th>Description</th>}
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.name} data-testid="collection-row" data-name={c.name}>
                      <td>
                        <Link to={paths.artifactCollection(entity, project, c.type, c.name)} className="strong">
                          {c.name}
                        </Link>
                        {c.kind === "portfolio" && <span className="badge" title="A collection of links to other versions (a registry)">links</span>}
                      </td>
                      <td className="num">{c.version_count}</td>
                      <td>{c.latest_version ? <Link to={paths.artifactVersion(entity, project, c.type, c.name, c.latest_version)}>{c.latest_version}</Link> : "–"}</td>
                      <td>
                        <AliasChips aliases={c.aliases} />
                      </td>
                      <td title={dateTime(c.updated_at)}>{ago(c.updated_at)}</td>
                      {described && <td className="muted clip">{c.description ?? ""}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            );
          })}
        </>
      )}
    </div>
  );
}
