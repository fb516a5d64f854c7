/**
 * The top of the sweep page: name, state and the controls (pause, resume, stop, cancel), the facts
 * (method, metric, runs against expected, best run, agents), the command that starts an agent (with
 * a copy button) and the config as YAML.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client";
import { sweepKeys, sweepsApi, type SweepOut, type SweepState } from "../api/sweeps";
import { CopyButton } from "../artifacts/common";
import { StateBadge } from "../components/StateBadge";
import { ago, dateTime, value as fmt } from "../lib/format";
import { Link, paths } from "../router";
import { agentCommand } from "./sweepData";
import { toYaml } from "./yaml";

type Action = { to: SweepState; label: string; title: string; confirm?: string; danger?: boolean };

const PAUSE: Action = { to: "paused", label: "Pause", title: "No new runs start until you resume; running runs go on" };
const RESUME: Action = { to: "running", label: "Resume", title: "Agents get new runs again" };
const STOP: Action = { to: "finished", label: "Stop", title: "Finish the sweep: running runs go on to their end, no new ones start", confirm: "Stop the sweep? Running runs finish; no new runs start." };
const CANCEL: Action = { to: "cancelled", label: "Cancel", title: "Cancel the sweep: running runs are stopped too", confirm: "Cancel the sweep? Running runs are stopped now.", danger: true };

export function actionsFor(state: SweepState): Action[] {
  if (state === "running") return [PAUSE, STOP, CANCEL];
  if (state === "paused") return [RESUME, STOP, CANCEL];
  // A finished sweep can go on (the server refuses when nothing is left: a done grid, run_cap).
  if (state === "finished") return [{ ...RESUME, title: "Start proposing runs again (refused when the grid is done or run_cap is reached: raise it first)" }];
  return [];
}

export function SweepTitle({ sweep }: { sweep: SweepOut }): React.JSX.Element {
  const qc = useQueryClient();
  const [asking, setAsking] = useState<Action | null>(null);
  const change = useMutation({
    mutationFn: (to: SweepState) => sweepsApi.setState(sweep.entity, sweep.project, sweep.id, to),
    onSuccess: (out) => {
      qc.setQueryData(sweepKeys.sweep(sweep.entity, sweep.project, sweep.id), out);
      void qc.invalidateQueries({ queryKey: sweepKeys.project(sweep.entity, sweep.project) });
    },
  });
  const act = (a: Action): void => {
    setAsking(null);
    change.mutate(a.to);
  };
  return (
    <div className="sweep-title">
      <div className="project-title">
        <Link to={paths.projects()}>{sweep.entity}</Link> / <Link to={paths.workspace(sweep.entity, sweep.project)}>{sweep.project}</Link> /{" "}
        <Link to={paths.sweeps(sweep.entity, sweep.project)}>sweeps</Link>
      </div>
      <div className="page-head">
        <h1 data-testid="sweep-name">
          {sweep.name || `Sweep ${sweep.id}`} {sweep.name && <span className="muted sweep-id">{sweep.id}</span>}
        </h1>
        <span data-testid="sweep-state" data-state={sweep.state}>
          <StateBadge state={sweep.state} />
        </span>
        <span className="sweep-controls">
          {actionsFor(sweep.state).map((a) => (
            <button key={a.to} className={a.danger ? "danger" : ""} title={a.title} disabled={change.isPending} onClick={() => (a.confirm ? setAsking(a) : act(a))} data-testid={`sweep-${a.label.toLowerCase()}`}>
              {a.label}
            </button>
          ))}
        </span>
      </div>
      {asking && (
        <div className="sweep-confirm" role="alertdialog" aria-label={asking.confirm} data-testid="sweep-confirm">
          <span>{asking.confirm}</span>
          <button className={asking.danger ? "danger primary" : "primary"} onClick={() => act(asking)} data-testid="sweep-confirm-yes">
            {asking.label} sweep
          </button>
          <button onClick={() => setAsking(null)}>Keep it {sweep.state}</button>
        </div>
      )}
      {change.isError && (
        <div className="filter-error" role="alert">
          Could not change the sweep: {change.error instanceof ApiError ? change.error.message : String(change.error)}
        </div>
      )}
      {sweep.description && <p className="sweep-description">{sweep.description}</p>}
    </div>
  );
}

export function SweepFacts({ sweep, bestName }: { sweep: SweepOut; bestName: string | null }): React.JSX.Element {
  const agents = useQuery({
    queryKey: [...sweepKeys.sweep(sweep.entity, sweep.project, sweep.id), "agents"],
    queryFn: () => sweepsApi.agents(sweep.entity, sweep.project, sweep.id),
    refetchInterval: sweep.state === "running" || sweep.state === "paused" ? 10_000 : false,
  });
  const live = (agents.data ?? []).filter((a) => a.state === "running").length;
  const command = agentCommand(sweep.entity, sweep.project, sweep.id);
  const goal = sweep.metric_goal === "maximize" ? "↑ maximize" : sweep.metric_goal === "minimize" ? "↓ minimize" : "";
  return (
    <div className="sweep-overview">
      <div>
        <table className="kv sweep-facts" data-testid="sweep-facts">
          <tbody>
            <tr>
              <th>State</th>
              <td>
                <StateBadge state={sweep.state} />
                {sweep.state_reason && <span className="muted"> {sweep.state_reason}</span>}
              </td>
            </tr>
            <tr>
              <th>Method</th>
              <td data-testid="sweep-method">{sweep.method}</td>
            </tr>
            <tr>
              <th>Metric</th>
              <td>{sweep.metric_name ? <>{sweep.metric_name} <span className="muted">{goal}</span></> : <span className="muted">none (runs are not ranked)</span>}</td>
            </tr>
            <tr>
              <th>Runs</th>
              <td data-testid="sweep-counts">
                {sweep.run_count}
                {sweep.expected_run_count ? <span className="muted"> of {sweep.expected_run_count} expected</span> : <span className="muted"> (no limit)</span>}
                {sweep.expected_run_count ? (
                  <span className="sweep-progress" title={`${sweep.run_count} of ${sweep.expected_run_count}`}>
                    <span style={{ width: `${Math.min(100, (100 * sweep.run_count) / sweep.expected_run_count)}%` }} />
                  </span>
                ) : null}
              </td>
            </tr>
            <tr>
              <th>Best</th>
              <td data-testid="sweep-best">
                {sweep.best_run_id ? (
                  <>
                    <strong>{fmt(sweep.best_value)}</strong> <Link to={paths.run(sweep.entity, sweep.project, sweep.best_run_id)}>{bestName ?? sweep.best_run_id}</Link>
                  </>
                ) : (
                  <span className="muted">no finished run yet</span>
                )}
              </td>
            </tr>
            <tr>
              <th>Agents</th>
              <td data-testid="sweep-agents">
                {agents.data ? (agents.data.length === 0 ? <span className="muted">none yet</span> : `${live} running, ${agents.data.length} in all`) : "…"}
              </td>
            </tr>
            <tr>
              <th>Created</th>
              <td title={dateTime(sweep.created_at)}>{ago(sweep.created_at)}</td>
            </tr>
          </tbody>
        </table>
        {(sweep.warnings ?? []).map((w) => (
          <div key={w} className="sweep-warning" role="note">
            ⚠ {w}
          </div>
        ))}
        <h2>Start an agent</h2>
        <div className="agent-command">
          <code data-testid="agent-command">{command}</code>
          <CopyButton text={command} />
        </div>
        <p className="muted small">
          on any machine that can reach this server; several agents share the work. In Python: <code>trackwell.agent("{`${sweep.entity}/${sweep.project}/${sweep.id}`}", function=train)</code>
        </p>
      </div>
      <div>
        <h2 className="config-head">
          Config <CopyButton text={toYaml(sweep.config)} label="Copy YAML" />
        </h2>
        <pre className="sweep-config" data-testid="sweep-config">
          {toYaml(sweep.config)}
        </pre>
      </div>
    </div>
  );
}
