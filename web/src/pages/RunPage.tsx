/** One run: overview (state, timing, host, command, git, config, summary, editable tags and
 * notes, alerts), its charts, logged media and tables, system metrics, console output and files. The tab is part of the URL. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, type RunOut } from "../api/client";
import { RunArtifacts } from "../artifacts/RunArtifacts";
import { CommentThread } from "../comments/CommentThread";
import { Empty } from "../components/Empty";
import { FileBrowser } from "../components/FileBrowser";
import { RunMedia } from "../components/MediaTab";
import { RunAlerts } from "../components/RunAlerts";
import { MetricPanel, type ChartSettings, type PanelRun } from "../components/MetricPanel";
import { graphEntries, ModelGraph } from "../components/ModelGraph";
import { StateBadge } from "../components/StateBadge";
import { ArchivedBadge, ArchivedNote } from "../components/ArchivedNote";
import { parseAnsi } from "../lib/ansi";
import { dateTime, duration, flatten, value } from "../lib/format";
import { buildSections, runColor } from "../lib/panels";
import { asDefinitions, isHidden } from "../lib/stepMetric";
import { Link, paths } from "../router";
import { runKeysQuery, runQuery } from "../lib/queries";

const TABS = ["overview", "charts", "media", "system", "logs", "files", "artifacts", "comments"] as const;

export function RunPage(props: { entity: string; project: string; runId: string; tab: string }): React.JSX.Element {
  const { entity, project, runId, tab } = props;
  const q = useQuery({
    ...runQuery(entity, project, runId),
    refetchInterval: (s) => (s.state.data?.state === "running" ? 5000 : false),
  });
  if (q.isPending) return <div className="loading">Loading run…</div>;
  if (q.isError) return <Empty title="Could not load this run">{(q.error as Error).message}</Empty>;
  const run = q.data;
  return (
    <div className="page run-page">
      <div className="page-head">
        <h1>
          <Link to={paths.workspace(entity, project)}>
            {entity}/{project}
          </Link>{" "}
          / <span className="swatch big" style={{ background: runColor(`${entity}/${project}/${runId}`) }} /> {run.display_name} <StateBadge state={run.state} /> <ArchivedBadge run={run} />
        </h1>
      </div>
      <ArchivedNote run={run} />
      <nav className="tabs">
        {TABS.map((t) => (
          <Link key={t} to={paths.run(entity, project, runId, t)} className={t === tab ? "active" : ""}>
            {t[0]?.toUpperCase() + t.slice(1)}
          </Link>
        ))}
      </nav>
      {tab === "overview" && <Overview run={run} />}
      {(tab === "charts" || tab === "system") && <RunCharts run={run} stream={tab === "system" ? "system" : "history"} />}
      {tab === "media" && <RunMedia run={run} />}
      {tab === "logs" && <Logs run={run} />}
      {tab === "files" && <FileBrowser run={run} />}
      {tab === "artifacts" && <RunArtifacts run={run} />}
      {tab === "comments" && <CommentThread target={{ kind: "run", entity, project, runId }} />}
    </div>
  );
}

function Overview({ run }: { run: RunOut }): React.JSX.Element {
  const meta = run.metadata as Record<string, unknown>;
  const git = (meta.git ?? {}) as Record<string, unknown>;
  const rows: [string, React.ReactNode][] = [
    ["State", <StateBadge key="s" state={run.state} />],
    ["Run id", <code key="id">{run.id}</code>],
    ["Created", dateTime(run.created_at)],
    ["Runtime", duration(run.runtime)],
    ["Host", run.host ?? value(meta.host)],
    ["Program", run.program ?? value(meta.program)],
    ["Command", value(meta.args ? `python ${value(meta.program)} ${(meta.args as string[]).join(" ")}` : meta.command)],
    ["Python", value(meta.python)],
    ["Git commit", value(git.commit)],
    ["Git remote", value(git.remote)],
    ["Sweep", run.sweep_id ? <Link key="sw" to={paths.sweep(run.entity, run.project, run.sweep_id)} data-testid="run-sweep">{run.sweep_id}</Link> : ""],
    ["Stopped by the sweep", run.state === ("stopped" as string) ? value((run.summary as Record<string, unknown>)._sweep_stop_reason) : ""],
    ["Group", run.group ?? ""],
    ["Job type", run.job_type ?? ""],
  ];
  const config = useMemo(() => Object.entries(flatten(run.config as Record<string, unknown>)).filter(([k]) => !k.startsWith("_")).sort(), [run.config]);
  const summary = useMemo(() => Object.entries(flatten(run.summary as Record<string, unknown>)).filter(([k]) => !k.startsWith("_")).sort(), [run.summary]);
  const graphs = useMemo(() => graphEntries(run.summary as Record<string, unknown>), [run.summary]);
  return (
    <div className="overview">
      <table className="kv" data-testid="overview">
        <tbody>
          {rows
            .filter(([, v]) => v !== "" && v !== undefined)
            .map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <EditTags run={run} />
      {run.error && (
        <div className="run-error">
          <strong>{run.error.type}: </strong>
          {run.error.message}
          {run.error.traceback && <pre>{run.error.traceback}</pre>}
        </div>
      )}
      <RunAlerts run={run} />
      {typeof meta.reproduce === "string" && (
        <section className="reproduce" data-testid="reproduce">
          <h2>Reproduce</h2>
          <pre className="console">{meta.reproduce}</pre>
          {typeof git.patch === "string" && (
            <a href={api.fileUrl(run.entity, run.project, run.id, git.patch)} download>
              Download {git.patch} (uncommitted changes at start)
            </a>
          )}
        </section>
      )}
      <div className="two-col">
        <KeyValues title="Config" entries={config} testid="config" />
        <KeyValues title="Summary" entries={summary} testid="summary" />
      </div>
      {graphs.map(([name, path]) => (
        <ModelGraph key={name} run={run} name={name} path={path} />
      ))}
    </div>
  );
}

function KeyValues({ title, entries, testid }: { title: string; entries: [string, unknown][]; testid: string }): React.JSX.Element {
  return (
    <div>
      <h2>{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <table className="kv" data-testid={testid}>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{value(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function EditTags({ run }: { run: RunOut }): React.JSX.Element {
  const qc = useQueryClient();
  const [tags, setTags] = useState((run.tags ?? []).join(", "));
  const [notes, setNotes] = useState(run.notes ?? "");
  const save = useMutation({
    mutationFn: () =>
      api.updateRun(run.entity, run.project, run.id, {
        tags: tags.split(",").map((t) => t.trim()).filter(Boolean),
        notes,
      }),
    onSuccess: (r) => {
      qc.setQueryData(["run", r.entity, r.project, r.id], r);
      void qc.invalidateQueries({ queryKey: ["runs", r.entity, r.project] });
    },
  });
  return (
    <form
      className="edit-tags"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Tags <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma, separated" data-testid="tags-input" />
      </label>
      <label>
        Notes <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={2} data-testid="notes-input" />
      </label>
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      {save.isError && <span className="filter-error">{(save.error as Error).message}</span>}
      {save.isSuccess && <span className="muted">Saved</span>}
    </form>
  );
}

function RunCharts({ run, stream }: { run: RunOut; stream: "history" | "system" }): React.JSX.Element {
  const keys = useQuery(runKeysQuery(run.entity, run.project, run.id, stream));
  const definitionsId = JSON.stringify(run.metric_definitions ?? []);
  const definitions = useMemo(() => asDefinitions(JSON.parse(definitionsId) as Record<string, unknown>[]), [definitionsId]);
  const runs: PanelRun[] = useMemo(
    () => [{ key: `${run.entity}/${run.project}/${run.id}`, entity: run.entity, project: run.project, id: run.id, name: run.display_name, color: runColor(`${run.entity}/${run.project}/${run.id}`), start: run.created_at, definitions }],
    [run.entity, run.project, run.id, run.display_name, run.created_at, definitions],
  );
  // History charts draw against each metric's define_metric step metric, as in W&B (lib/stepMetric).
  const settings: ChartSettings = useMemo(
    () => ({ xAxis: stream === "system" ? "relative" : "step", autoStep: stream === "history", smoothing: { kind: "none", param: 0 }, logScale: false, grouped: false, live: run.state === "running", stream }),
    [stream, run.state],
  );
  const sections = buildSections((keys.data?.keys ?? []).filter((k) => k.kind === "number" && !isHidden([definitions], k.key)).map((k) => k.key));
  if (keys.isPending) return <div className="loading">Loading…</div>;
  if (sections.length === 0)
    return (
      <Empty title={stream === "system" ? "No system metrics" : "No metrics logged"}>
        {stream === "history" && (keys.data?.keys ?? []).some((k) => k.kind === "other") && (
          <p>
            This run logged other values: see its <Link to={paths.run(run.entity, run.project, run.id, "media")}>media and tables</Link>.
          </p>
        )}
      </Empty>
    );
  return (
    <div className="panels">
      {sections.map((s) => (
        <section key={s.name} className="section" data-testid="section">
          <h2>{s.name}</h2>
          <div className="panel-grid">
            {s.keys.map((k) => (
              <MetricPanel key={k} metric={k} runs={runs} settings={settings} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

function Logs({ run }: { run: RunOut }): React.JSX.Element {
  const [find, setFind] = useState("");
  const q = useQuery({ queryKey: ["output", run.entity, run.project, run.id], queryFn: () => api.output(run.entity, run.project, run.id), refetchInterval: run.state === "running" ? 5000 : false });
  const lines = (q.data?.lines ?? []).filter((l) => !find || l.text.toLowerCase().includes(find.toLowerCase()));
  return (
    <div>
      <div className="toolbar">
        <input placeholder="Search output" value={find} onChange={(e) => setFind(e.target.value)} aria-label="search output" />
        <button type="button" onClick={() => downloadText(`${run.id}-output.log`, (q.data?.lines ?? []).map((l) => l.text).join("\n") + "\n")} disabled={!q.data?.lines.length}>
          Download
        </button>
      </div>
      {q.isError && <div className="filter-error">{(q.error as Error).message}</div>}
      {q.data && q.data.total === 0 ? (
        <Empty title="No console output" />
      ) : (
        <pre className="console" data-testid="console">
          {lines.map((l) => (
            <div key={l.line} className={l.stream === "stderr" ? "stderr" : ""}>
              <span className="ln">{l.line + 1}</span>
              {parseAnsi(l.text).map((s, i) => (
                <span key={i} className={s.cls}>
                  {s.text}
                </span>
              ))}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}

/** Save text as a file: the console as the run printed it (ANSI codes kept, as in a terminal log). */
function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
