/** The project's webhooks: add one (name + URL; the URL is never shown again, only host and last 4
 * characters), send a test message, delete. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { alertKeys, alertsApi } from "../api/alerts";

export function WebhooksSection({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: alertKeys.webhooks(entity, project), queryFn: () => alertsApi.webhooks(entity, project) });
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [sent, setSent] = useState<number | null>(null);
  const refresh = (): void => void qc.invalidateQueries({ queryKey: alertKeys.all(entity, project) });
  const add = useMutation({
    mutationFn: () => alertsApi.addWebhook(entity, project, name.trim(), url.trim()),
    onSuccess: () => {
      setName("");
      setUrl("");
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: number) => alertsApi.deleteWebhook(entity, project, id), onSuccess: refresh });
  const test = useMutation({
    mutationFn: (id: number) => alertsApi.sendTest(entity, project, id),
    onSuccess: (_, id) => {
      setSent(id);
      refresh();
    },
  });
  const urlProblem = url.trim() && !/^https?:\/\/[^/\s]+/i.test(url.trim()) ? "The URL must start with https:// (or http://) and a host" : null;
  const error = add.error ?? remove.error ?? test.error;
  return (
    <section className="alerts-section" data-testid="webhooks">
      <h2>Webhooks</h2>
      <p className="muted">Alerts are posted as Slack-compatible JSON (Slack incoming webhooks, Mattermost, Discord&apos;s /slack endpoint…).</p>
      {q.data && q.data.webhooks.length === 0 && <p className="muted">No webhooks yet.</p>}
      <ul className="webhook-list">
        {q.data?.webhooks.map((w) => (
          <li key={w.id} data-testid="webhook" data-webhook={w.name}>
            <strong>{w.name}</strong> <code className="muted">{w.url_hint}</code>
            <span className="row-actions">
              <button type="button" onClick={() => test.mutate(w.id)} disabled={test.isPending}>
                {sent === w.id ? "Test queued ✓" : "Send test"}
              </button>
              <button type="button" className="danger" onClick={() => window.confirm(`Delete the webhook ${w.name} and its delivery log?`) && remove.mutate(w.id)}>
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form
        className="alert-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!urlProblem) add.mutate();
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="#training-alerts" required maxLength={100} />
        </label>
        <label>
          Webhook URL
          <input
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://hooks.slack.com/services/…"
            required
            type="password"
            autoComplete="off"
            aria-invalid={urlProblem ? true : undefined}
          />
        </label>
        {urlProblem && <p className="field-error">{urlProblem}</p>}
        <button type="submit" className="primary" disabled={add.isPending || !name.trim() || !url.trim() || !!urlProblem}>
          Add webhook
        </button>
        <p className="muted small">The URL is a secret: it is stored and never shown again.</p>
      </form>
      {error && <p className="filter-error" role="alert">{describe(error)}</p>}
    </section>
  );
}

/** An error as the user reads it (an ApiError's message already carries the server's hint). */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
