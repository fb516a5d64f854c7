/**
 * A project's alerts (`/{entity}/{project}/alerts`): the recent alerts of its runs (`run.alert` and
 * rules), the rules that raise alerts, the webhooks alerts are posted to (Slack-compatible; URLs
 * shown masked) and the delivery log. Feed and log refresh while the page is open.
 */
import { useQuery } from "@tanstack/react-query";
import { alertKeys, alertsApi, type Delivery, type ProjectAlert } from "../api/alerts";
import { ErrorState, ProjectNav } from "../artifacts/common";
import { dateTime } from "../lib/format";
import { Link, paths } from "../router";
import { RulesSection } from "./RulesSection";
import { WebhooksSection } from "./WebhooksSection";
import "./alerts.css";

const REFRESH_MS = 3000;

export function AlertsPage({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  return (
    <div className="page alerts-page">
      <div className="project-title">
        <Link to={paths.projects()}>{entity}</Link> / <Link to={paths.workspace(entity, project)}>{project}</Link>
      </div>
      <ProjectNav entity={entity} project={project} active="alerts" />
      <div className="alerts-columns">
        <div className="alerts-main">
          <AlertFeed entity={entity} project={project} />
          <DeliveryLog entity={entity} project={project} />
        </div>
        <div className="alerts-side">
          <RulesSection entity={entity} project={project} />
          <WebhooksSection entity={entity} project={project} />
        </div>
      </div>
    </div>
  );
}

function AlertFeed({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const q = useQuery({ queryKey: alertKeys.feed(entity, project), queryFn: () => alertsApi.feed(entity, project), refetchInterval: REFRESH_MS });
  return (
    <section className="alerts-section" data-testid="alert-feed">
      <h2>Recent alerts</h2>
      {q.isError && <ErrorState title="Could not load the alerts" error={q.error} />}
      {q.data && q.data.alerts.length === 0 && (
        <p className="muted">
          No alerts yet. Runs raise them with <code>run.alert(title, text, level)</code>; the rules on the right raise them when a run fails,
          crashes or a metric crosses a threshold.
        </p>
      )}
      {q.data && q.data.alerts.length > 0 && (
        <ul className="alert-feed">
          {q.data.alerts.map((a) => (
            <FeedItem key={a.id} entity={entity} project={project} alert={a} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FeedItem({ entity, project, alert }: { entity: string; project: string; alert: ProjectAlert }): React.JSX.Element {
  return (
    <li className={`alert alert-${alert.level.toLowerCase()}`} data-testid="feed-alert" data-level={alert.level}>
      <div className="alert-head">
        <span className={`badge level-${alert.level.toLowerCase()}`}>{alert.level}</span>
        <strong className="alert-title">{alert.title}</strong>
        <Link to={paths.run(entity, project, alert.run_id)} className="muted">
          {alert.run_name}
        </Link>
        <time className="muted alert-time" dateTime={new Date(alert.created_at * 1000).toISOString()}>
          {dateTime(alert.created_at)}
        </time>
      </div>
      <p className="alert-text">{alert.text}</p>
    </li>
  );
}

function DeliveryLog({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const q = useQuery({
    queryKey: alertKeys.deliveries(entity, project),
    queryFn: () => alertsApi.deliveries(entity, project),
    refetchInterval: REFRESH_MS,
  });
  return (
    <section className="alerts-section" data-testid="delivery-log">
      <h2>Delivery log</h2>
      {q.isError && <ErrorState title="Could not load the delivery log" error={q.error} />}
      {q.data && q.data.deliveries.length === 0 && <p className="muted">Nothing sent yet: add a webhook, then alerts are posted to it.</p>}
      {q.data && q.data.deliveries.length > 0 && (
        <table className="grid-table">
          <thead>
            <tr>
              <th>Queued</th>
              <th>Webhook</th>
              <th>Alert</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {q.data.deliveries.map((d) => (
              <DeliveryRow key={d.id} delivery={d} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeliveryRow({ delivery: d }: { delivery: Delivery }): React.JSX.Element {
  const retry = d.status === "pending" && d.attempts > 0 && d.next_attempt_at ? ` (retry ${dateTime(d.next_attempt_at)})` : "";
  return (
    <tr data-testid="delivery-row" data-status={d.status}>
      <td>{dateTime(d.created_at)}</td>
      <td>{d.webhook_name}</td>
      <td>{d.title}</td>
      <td>
        <span className={`delivery-status status-${d.status}`}>{d.status}</span>
        <span className="muted">{retry}</span>
      </td>
      <td className="num">{d.attempts}</td>
      <td className="delivery-error">{d.last_error ?? ""}</td>
    </tr>
  );
}
