/** One artifact (a collection): its versions, newest first, with aliases, tags, size, file count,
 * creation time and the run that logged each. */
import { useQuery } from "@tanstack/react-query";
import { bytes } from "../lib/files";
import { ago, dateTime } from "../lib/format";
import { Link, paths } from "../router";
import { artifactsApi, keys } from "./api";
import { AliasChips, ErrorState, ProjectHeader, RunLink, TagChips } from "./common";
import { Empty } from "../components/Empty";

export function Crumbs(props: { entity: string; project: string; type: string; name?: string; version?: string }): React.JSX.Element {
  const { entity, project, type, name, version } = props;
  return (
    <nav className="crumbs artifact-crumbs" aria-label="artifact">
      <Link to={paths.artifacts(entity, project)}>Artifacts</Link>
      <span className="muted"> / </span>
      <span className="type-badge">{type}</span>
      {name && (
        <>
          <span className="muted"> / </span>
          {version ? <Link to={paths.artifactCollection(entity, project, type, name)}>{name}</Link> : <span>{name}</span>}
        </>
      )}
      {version && (
        <>
          <span className="muted"> : </span>
          <span>{version}</span>
        </>
      )}
    </nav>
  );
}

export function CollectionPage(props: { entity: string; project: string; type: string; name: string }): React.JSX.Element {
  const { entity, project, name } = props;
  const coll = useQuery({ queryKey: [...keys.collection(entity, project, name), "info"], queryFn: () => artifactsApi.collection(entity, project, name) });
  const versions = useQuery({ queryKey: [...keys.collection(entity, project, name), "versions"], queryFn: () => artifactsApi.versions(entity, project, name) });
  // The stored type wins over the one in the address (an old link, a hand-typed URL).
  const type = coll.data?.type ?? props.type;
  return (
    <div className="page artifacts-page">
      <ProjectHeader entity={entity} project={project} />
      <Crumbs entity={entity} project={project} type={type} name={name} />
      {coll.isError ? (
        <ErrorState title={`Could not load the artifact “${name}”`} error={coll.error} />
      ) : (
        <>
          <div className="page-head">
            <h1 data-testid="collection-name">{name}</h1>
            {coll.data && (
              <span className="muted">
                {coll.data.version_count === 1 ? "1 version" : `${coll.data.version_count} versions`} · created {dateTime(coll.data.created_at)}
                {coll.data.kind === "portfolio" && " · a collection of links to other versions"}
              </span>
            )}
          </div>
          {coll.data?.description && <p className="description">{coll.data.description}</p>}
          {versions.isPending && <div className="loading">Loading versions…</div>}
          {versions.isError && <ErrorState title="Could not load the versions" error={versions.error} />}
          {versions.data && versions.data.length === 0 && <Empty title="No versions">Every version of this artifact was deleted.</Empty>}
          {versions.data && versions.data.length > 0 && (
            <table className="grid-table" data-testid="versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Aliases</th>
                  <th>Tags</th>
                  <th className="num">Size</th>
                  <th className="num">Files</th>
                  <th>Created</th>
                  <th>Logged by</th>
                  {coll.data?.kind === "portfolio" && <th>Source</th>}
                </tr>
              </thead>
              <tbody>
                {versions.data.map((v) => (
                  <tr key={v.id} data-testid="version-row" data-version={v.version}>
                    <td>
                      <Link to={paths.artifactVersion(entity, project, v.type, v.name, v.version)} className="strong">
                        {v.version}
                      </Link>
                    </td>
                    <td>
                      <AliasChips aliases={v.aliases} />
                    </td>
                    <td>
                      <TagChips tags={v.tags} />
                    </td>
                    <td className="num" title={`${v.size.toLocaleString()} bytes`}>
                      {bytes(v.size)}
                    </td>
                    <td className="num">{v.file_count}</td>
                    <td title={dateTime(v.created_at)}>{ago(v.created_at)}</td>
                    <td>{v.logged_by ? <RunLink run={v.logged_by} /> : <span className="muted">–</span>}</td>
                    {coll.data?.kind === "portfolio" && <td className="muted">{v.source ?? ""}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
