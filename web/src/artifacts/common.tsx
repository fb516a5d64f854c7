/** Pieces the artifact pages share: the project's Runs/Artifacts switch, breadcrumbs, alias chips,
 * copy buttons, run links and the empty state that says how to log a first artifact. */
import { useState } from "react";
import { Empty } from "../components/Empty";
import { StateBadge } from "../components/StateBadge";
import { Link, paths } from "../router";
import { LockIcon } from "./icons";
import type { AliasOut, RunRef } from "./types";

export const DOCS_URL = "https://docs.wandb.ai/guides/artifacts/";

export const LOG_SNIPPET = `import trackwell as wandb

run = wandb.init(project="my-project", job_type="upload")
artifact = wandb.Artifact("my-dataset", type="dataset")
artifact.add_dir("data/")          # or add_file("data.csv"), add_reference("s3://...")
run.log_artifact(artifact, aliases=["latest"])
run.finish()`;

/** The project's name and its views (Runs, Sweeps, Artifacts) as tabs, above every artifact page. */
export function ProjectHeader({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  return (
    <>
      <div className="project-title">
        <Link to={paths.projects()}>{entity}</Link> / <Link to={paths.workspace(entity, project)}>{project}</Link>
      </div>
      <ProjectNav entity={entity} project={project} active="artifacts" />
    </>
  );
}

/** The project's views, as tabs. */
export function ProjectNav({ entity, project, active }: { entity: string; project: string; active: "runs" | "alerts" | "artifacts" | "sweeps" | "reports" }): React.JSX.Element {
  return (
    <nav className="tabs project-nav" aria-label="project">
      <Link to={paths.workspace(entity, project)} className={active === "runs" ? "active" : ""}>
        Runs
      </Link>
      <Link to={paths.sweeps(entity, project)} className={active === "sweeps" ? "active" : ""} data-testid="nav-sweeps">
        Sweeps
      </Link>
      <Link to={paths.artifacts(entity, project)} className={active === "artifacts" ? "active" : ""} data-testid="nav-artifacts">
        Artifacts
      </Link>
      <Link to={paths.alerts(entity, project)} className={active === "alerts" ? "active" : ""} data-testid="nav-alerts">
        Alerts
      </Link>
      <Link to={paths.reports(entity, project)} className={active === "reports" ? "active" : ""} data-testid="nav-reports">
        Reports
      </Link>
    </nav>
  );
}

export function NoArtifacts({ title }: { title: string }): React.JSX.Element {
  return (
    <Empty title={title}>
      <p>
        No artifacts yet — log one with <code>run.log_artifact(...)</code>: a dataset, a model checkpoint, evaluation results. Each
        logged change becomes a new version (v0, v1, …) and is stored once, however many runs use it.
      </p>
      <pre className="snippet">{LOG_SNIPPET}</pre>
      <p>
        <a href={DOCS_URL} target="_blank" rel="noreferrer noopener">
          How artifacts work
        </a>{" "}
        (Trackwell takes wandb's calls unchanged; docs/artifacts.md in the repository has the details).
      </p>
    </Empty>
  );
}

/** Aliases as chips: `latest` and user aliases, a lock on the protected ones. */
export function AliasChips({ aliases }: { aliases: (AliasOut | string)[] | undefined }): React.JSX.Element {
  return (
    <span className="chips">
      {(aliases ?? []).map((a) => {
        const alias = typeof a === "string" ? a : a.alias;
        const locked = typeof a !== "string" && a.protected;
        return (
          <span key={alias} className={`alias-chip${alias === "latest" ? " latest" : ""}`} data-testid="alias" title={locked ? "Protected: only an admin can move it" : undefined}>
            {locked && <LockIcon />}
            {alias}
          </span>
        );
      })}
    </span>
  );
}

export function TagChips({ tags }: { tags: string[] | undefined }): React.JSX.Element {
  return (
    <span className="chips">
      {(tags ?? []).map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
    </span>
  );
}

export function RunLink({ run, tab }: { run: RunRef; tab?: string }): React.JSX.Element {
  return (
    <span className="run-ref">
      <Link to={paths.run(run.entity, run.project, run.run_id, tab)} data-testid="run-link">
        {run.name || run.run_id}
      </Link>
      {run.job_type && <span className="muted"> ({run.job_type})</span>}
      {run.state && <StateBadge state={run.state} />}
    </span>
  );
}

/** Copies text; says so for a moment. Falls back to a selected textarea where the Clipboard API is
 * unavailable (an http page on another host than localhost). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }): React.JSX.Element {
  const [done, setDone] = useState<"copied" | "failed" | null>(null);
  const copy = async (): Promise<void> => {
    try {
      if (navigator.clipboard) await navigator.clipboard.writeText(text);
      else fallbackCopy(text);
      setDone("copied");
    } catch {
      try {
        fallbackCopy(text);
        setDone("copied");
      } catch {
        setDone("failed");
      }
    }
    window.setTimeout(() => setDone(null), 1500);
  };
  return (
    <button type="button" className="copy" onClick={() => void copy()} data-testid="copy">
      {done === "copied" ? "Copied ✓" : done === "failed" ? "Copy failed" : label}
    </button>
  );
}

function fallbackCopy(text: string): void {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

export function ErrorState({ title, error }: { title: string; error: unknown }): React.JSX.Element {
  return (
    <Empty title={title}>
      <p className="filter-error" role="alert">
        {error instanceof Error ? error.message : String(error)}
      </p>
    </Empty>
  );
}
