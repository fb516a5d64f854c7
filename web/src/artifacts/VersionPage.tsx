/** One version of an artifact: its collection's versions on the left, and the tabs Overview, Files,
 * Lineage and Diff. The version in the address may be `v3`, an alias (`latest`, `production`) or an
 * id; the tab is the address's last segment, as on wandb.ai. */
import { useQuery } from "@tanstack/react-query";
import { Link, paths } from "../router";
import { artifactsApi, keys } from "./api";
import { Crumbs } from "./CollectionPage";
import { AliasChips, ErrorState, ProjectHeader } from "./common";
import { DiffTab } from "./DiffTab";
import { FilesTab } from "./FilesTab";
import { LineageTab } from "./LineageTab";
import { Overview } from "./Overview";
import type { ArtifactVersionOut } from "./types";

const TABS = [
  ["overview", "Overview"],
  ["files", "Files"],
  ["lineage", "Lineage"],
  ["diff", "Diff"],
] as const;

export function VersionPage(props: { entity: string; project: string; type: string; name: string; version: string; tab: string }): React.JSX.Element {
  const { entity, project, name, version, tab } = props;
  const q = useQuery({ queryKey: keys.version(entity, project, name, version), queryFn: () => artifactsApi.version(entity, project, name, version) });
  const type = q.data?.type ?? props.type;
  return (
    <div className="page artifacts-page wide">
      <ProjectHeader entity={entity} project={project} />
      <Crumbs entity={entity} project={project} type={type} name={name} version={q.data?.version ?? version} />
      <div className="artifact-layout">
        <VersionList entity={entity} project={project} name={name} current={q.data} tab={tab} />
        <div className="artifact-main">
          {q.isPending && <div className="loading">Loading {name}:{version}…</div>}
          {q.isError && <ErrorState title={`Could not load ${name}:${version}`} error={q.error} />}
          {q.data && (
            <>
              <div className="page-head">
                <h1 data-testid="version-title">
                  {q.data.name}
                  <span className="muted">:{q.data.version}</span>
                </h1>
                <span className="type-badge">{q.data.type}</span>
                <AliasChips aliases={q.data.aliases} />
              </div>
              <nav className="tabs" aria-label="version">
                {TABS.map(([id, label]) => (
                  <Link key={id} to={paths.artifactVersion(entity, project, type, name, version, id)} className={id === tab ? "active" : ""} data-testid={`tab-${id}`}>
                    {label}
                  </Link>
                ))}
              </nav>
              {tab === "overview" && <Overview v={q.data} />}
              {tab === "files" && <FilesTab v={q.data} />}
              {tab === "lineage" && <LineageTab v={q.data} />}
              {tab === "diff" && <DiffTab v={q.data} />}
              {!TABS.some(([id]) => id === tab) && <ErrorState title="No such tab" error={`“${tab}” is not one of overview, files, lineage, diff.`} />}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

/** The collection's versions, newest first: where W&B users switch versions. */
function VersionList(props: { entity: string; project: string; name: string; current: ArtifactVersionOut | undefined; tab: string }): React.JSX.Element {
  const { entity, project, name, current, tab } = props;
  const q = useQuery({ queryKey: [...keys.collection(entity, project, name), "versions"], queryFn: () => artifactsApi.versions(entity, project, name) });
  return (
    <aside className="version-list" aria-label="versions" data-testid="version-list">
      <h2>Versions</h2>
      {q.isError && <p className="filter-error">{(q.error as Error).message}</p>}
      <ul>
        {(q.data ?? []).map((v) => (
          <li key={v.id} className={v.id === current?.id ? "active" : ""}>
            <Link to={paths.artifactVersion(entity, project, v.type, v.name, v.version, tab)}>
              <span className="strong">{v.version}</span> <AliasChips aliases={v.aliases} />
            </Link>
          </li>
        ))}
      </ul>
    </aside>
  );
}
