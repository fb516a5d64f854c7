/** The alerts a run raised with `run.alert(title, text, level)`: newest first, the level as a
 * coloured badge, with when it was raised and how many repeats the per-title rate limit held back
 * (`wait_duration`). Shown on the run's overview only when there are any. */
import { useQuery } from "@tanstack/react-query";
import { api, type AlertOut, type RunOut } from "../api/client";
import { dateTime } from "../lib/format";

export function RunAlerts({ run }: { run: RunOut }): React.JSX.Element | null {
  const q = useQuery({
    queryKey: ["alerts", run.entity, run.project, run.id],
    queryFn: () => api.alerts(run.entity, run.project, run.id),
    refetchInterval: run.state === "running" ? 5000 : false,
  });
  if (q.isError) return <div className="filter-error">Could not load alerts: {(q.error as Error).message}</div>;
  const alerts = q.data?.alerts ?? [];
  if (alerts.length === 0) return null;
  return (
    <section className="run-alerts" data-testid="alerts">
      <h2>
        Alerts <span className="muted">({alerts.length})</span>
      </h2>
      <ul>
        {[...alerts].reverse().map((a, i) => (
          <AlertItem key={`${a.created_at}-${i}`} alert={a} />
        ))}
      </ul>
    </section>
  );
}

function AlertItem({ alert }: { alert: AlertOut }): React.JSX.Element {
  return (
    <li className={`alert alert-${alert.level.toLowerCase()}`} data-level={alert.level}>
      <div className="alert-head">
        <span className={`badge level-${alert.level.toLowerCase()}`}>{alert.level}</span>
        <strong className="alert-title">{alert.title}</strong>
        <time className="muted" dateTime={new Date(alert.created_at * 1000).toISOString()}>
          {dateTime(alert.created_at)}
        </time>
        {alert.suppressed > 0 && (
          <span className="muted" title={`repeats of this title within ${alert.wait_duration} s were not sent again`}>
            +{alert.suppressed} repeat{alert.suppressed === 1 ? "" : "s"} held back
          </span>
        )}
      </div>
      <p className="alert-text">{alert.text}</p>
    </li>
  );
}
