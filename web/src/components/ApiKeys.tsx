/** One user's API keys: create with a description (the key shown once), list by prefix with the
 * last time each was used, revoke. The settings page shows the viewer's; the server's keys are
 * stored as hashes, so no list can ever show a whole key again. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { identity, type NewKeyOut } from "../api/identity";
import { ago, dateTime } from "../lib/format";
import { ShownOnce } from "./ShownOnce";

export function ApiKeys({ username }: { username: string }): React.JSX.Element {
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ["keys", username], queryFn: () => identity.keys(username) });
  const [description, setDescription] = useState("");
  const [made, setMade] = useState<NewKeyOut | null>(null);
  const refresh = (): Promise<void> => qc.invalidateQueries({ queryKey: ["keys", username] });
  const create = useMutation({
    mutationFn: () => identity.createKey(username, description.trim()),
    onSuccess: (key) => {
      setMade(key);
      setDescription("");
      void refresh();
    },
  });
  const revoke = useMutation({ mutationFn: (id: number | string) => identity.revokeKey(id), onSuccess: () => void refresh() });
  const active = (keys.data ?? []).filter((k) => !k.revoked_at);
  return (
    <section className="admin-section" data-testid="api-keys">
      <h2>API keys</h2>
      <p className="muted">
        Use a key with <code>trackwell login</code>, <code>WANDB_API_KEY</code> or <code>Api(api_key=...)</code>. Name each key after where it is used, so
        you know which to revoke.
      </p>
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <input value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Description, e.g. laptop or CI" aria-label="key description" maxLength={200} />
        <button className="primary" type="submit" disabled={create.isPending} data-testid="new-key">
          New key
        </button>
      </form>
      {create.isError && <div className="form-error">{(create.error as Error).message}</div>}
      {made && (
        <ShownOnce
          title={`New key${made.name ? ` "${made.name}"` : ""}`}
          secret={made.key}
          note="Copy it now: it is shown only this once. Trackwell keeps only a hash of it."
          onDone={() => setMade(null)}
        />
      )}
      {keys.isError && <div className="form-error">{(keys.error as Error).message}</div>}
      {keys.data && active.length === 0 && <div className="muted empty-line">No keys yet.</div>}
      {active.length > 0 && (
        <table className="grid-table" data-testid="keys-table">
          <thead>
            <tr>
              <th>Description</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {active.map((k) => (
              <tr key={k.id} data-testid="key-row">
                <td>{k.name || <span className="muted">no description</span>}</td>
                <td>
                  <code>{k.key_prefix ? `${k.key_prefix}…` : "(older key)"}</code>
                </td>
                <td title={dateTime(k.created_at)}>{ago(k.created_at)}</td>
                <td title={k.last_used_at ? dateTime(k.last_used_at) : ""}>{k.last_used_at ? ago(k.last_used_at) : <span className="muted">never</span>}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="danger-link"
                    data-testid="revoke-key"
                    onClick={() => {
                      if (window.confirm(`Revoke key ${k.key_prefix ?? ""}… (${k.name || "no description"})? Programs using it stop working.`)) revoke.mutate(k.id);
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.isError && <div className="form-error">{(revoke.error as Error).message}</div>}
    </section>
  );
}
