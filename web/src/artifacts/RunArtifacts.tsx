/** A run page's Artifacts tab: the versions the run logged and the versions it used, each linking
 * to its version page. */
import { useQuery } from "@tanstack/react-query";
import { bytes } from "../lib/files";
import { ago, dateTime } from "../lib/format";
import { Link, paths } from "../router";
import { artifactsApi } from "./api";
import "./artifacts.css";
import { AliasChips, RunLink } from "./common";
import type { ArtifactVersionOut } from "./types";

interface RunIds {
  entity: string;
  project: string;
  id: string;
  state?: string;
}

export function RunArtifacts({ run }: { run: RunIds }): React.JSX.Element {
  return (
    <div className="run-artifacts" data-testid="run-artifacts">
      <Direction run={run} direction="logged" />
      <Direction run={run} direction="used" />
    </div>
  );
}

function Direction({ run, direction }: { run: RunIds; direction: "logged" | "used" }): React.JSX.Element {
  const q = useQuery({
    queryKey: ["run-artifacts", run.entity, run.project, run.id, direction],
    queryFn: () => artifactsApi.runArtifacts(run.entity, run.project, run.id, direction),
    refetchInterval: run.state === "running" ? 10_000 : false,
  });
  const list = q.data?.versions ?? [];
  return (
    <section data-testid={`run-artifacts-${direction}`}>
      <h2>
        {direction === "logged" ? "Logged artifacts" : "Used artifacts"} {q.data && <span className="muted">{q.data.total}</span>}
      </h2>
      {q.isPending && <div className="muted">Loading…</div>}
      {q.isError && (
        <p className="filter-error" role="alert">
          {(q.error as Error).message}
        </p>
      )}
      {q.data && list.length === 0 && (
        <p className="muted">
          {direction === "logged" ? (
            <>
              This run logged no artifacts. <code>run.log_artifact(artifact)</code> saves a dataset, model or any files as a versioned
              artifact.
            </>
          ) : (
            <>
              This run used no artifacts. <code>run.use_artifact("name:latest")</code> records which version a run read, so its lineage shows.
            </>
          )}
        </p>
      )}
      {list.length > 0 && <VersionTable run={run} versions={list} showRun={direction === "used"} />}
    </section>
  );
}

function VersionTable({ run, versions, showRun }: { run: RunIds; versions: ArtifactVersionOut[]; showRun: boolean }): React.JSX.Element {
  return (
    <table className="grid-table">
      <thead>
        <tr>
          <th>Artifact</th>
          <th>Type</th>
          <th>Aliases</th>
          <th className="num">Size</th>
          <th className="num">Files</th>
          <th>Created</th>
          {showRun && <th>Logged by</th>}
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id} data-testid="run-artifact-row" data-name={`${v.name}:${v.version}`}>
            <td>
              <Link to={paths.artifactVersion(v.entity, v.project, v.type, v.name, v.version)} className="strong">
                {v.name}:{v.version}
              </Link>
              {(v.entity !== run.entity || v.project !== run.project) && (
                <span className="muted">
                  {" "}
                  in {v.entity}/{v.project}
                </span>
              )}
            </td>
            <td>
              <span className="type-badge">{v.type}</span>
            </td>
            <td>
              <AliasChips aliases={v.aliases} />
            </td>
            <td className="num">{bytes(v.size)}</td>
            <td className="num">{v.file_count}</td>
            <td title={dateTime(v.created_at)}>{ago(v.created_at)}</td>
            {showRun && <td>{v.logged_by ? <RunLink run={v.logged_by} /> : <span className="muted">–</span>}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
