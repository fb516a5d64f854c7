/** A project's sweeps, newest first: name, state, method, runs (of expected), best value, created. */
import { useQuery } from "@tanstack/react-query";
import { sweepKeys, sweepsApi } from "../api/sweeps";
import { ErrorState, ProjectNav } from "../artifacts/common";
import { Empty } from "../components/Empty";
import { StateBadge } from "../components/StateBadge";
import { ago, dateTime, value as fmt } from "../lib/format";
import { Link, paths } from "../router";

export const SWEEP_SNIPPET = `import trackwell as wandb

sweep_id = wandb.sweep({
    "method": "bayes",
    "metric": {"name": "val/loss", "goal": "minimize"},
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-2},
        "optimizer": {"values": ["adamw", "sgd"]},
    },
}, project="my-project")

def train():
    with wandb.init() as run:
        run.log({"val/loss": (wandb.config.lr - 1e-3) ** 2})

wandb.agent(sweep_id, function=train, count=20)`;

export function SweepsList({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const q = useQuery({
    queryKey: sweepKeys.project(entity, project),
    queryFn: () => sweepsApi.list(entity, project),
    refetchInterval: (s) => (s.state.data?.sweeps.some((x) => x.state === "running") ? 5000 : 30_000),
  });
  return (
    <div className="page sweeps-page">
      <div className="project-title">
        <Link to={paths.projects()}>{entity}</Link> / <Link to={paths.workspace(entity, project)}>{project}</Link>
      </div>
      <ProjectNav entity={entity} project={project} active="sweeps" />
      {q.isPending && <div className="loading">Loading sweeps…</div>}
      {q.isError && <ErrorState title="Could not load the sweeps" error={q.error} />}
      {q.data && q.data.sweeps.length === 0 && (
        <Empty title={`No sweeps in ${entity}/${project} yet`}>
          <p>A sweep searches hyperparameters: the server proposes, agents on any machine run. Start one from Python:</p>
          <pre className="snippet">{SWEEP_SNIPPET}</pre>
          <p>
            or from a YAML file: <code>trackwell sweep config.yaml</code>, then <code>trackwell agent &lt;id&gt;</code>.
          </p>
        </Empty>
      )}
      {q.data && q.data.sweeps.length > 0 && (
        <table className="grid-table" data-testid="sweeps-list">
          <thead>
            <tr>
              <th>Sweep</th>
              <th>State</th>
              <th>Method</th>
              <th className="num">Runs</th>
              <th>Metric</th>
              <th className="num">Best</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {q.data.sweeps.map((s) => (
              <tr key={s.id} data-testid="sweep-row" data-sweep={s.id}>
                <td>
                  <Link to={paths.sweep(entity, project, s.id)} className="strong">
                    {s.name || s.id}
                  </Link>
                  {s.name && <span className="muted"> {s.id}</span>}
                </td>
                <td>
                  <StateBadge state={s.state} />
                </td>
                <td>{s.method}</td>
                <td className="num">
                  {s.run_count}
                  {s.expected_run_count ? <span className="muted"> / {s.expected_run_count}</span> : null}
                </td>
                <td>
                  {s.metric_name ?? <span className="muted">–</span>} {s.metric_goal && <span className="muted">{s.metric_goal === "maximize" ? "↑" : "↓"}</span>}
                </td>
                <td className="num">
                  {s.best_run_id ? (
                    <Link to={paths.run(entity, project, s.best_run_id)} title="the best run">
                      {fmt(s.best_value)}
                    </Link>
                  ) : (
                    "–"
                  )}
                </td>
                <td title={dateTime(s.created_at)}>{ago(s.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
