/** Admin page, Audit log tab: security events newest first (sign-ins, keys, roles, deletions),
 * filtered by action, a page at a time ("Older" asks for the events before the last one shown). */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { identity } from "../api/identity";
import { dateTime } from "../lib/format";
import { setParams, useParam } from "../router";

const PAGE = 50;
// The actions service/audit.py records (AuditAction).
const ACTIONS = [
  "login",
  "logout",
  "login.throttled",
  "user.create",
  "user.update",
  "user.delete",
  "password.set",
  "key.create",
  "key.revoke",
  "team.create",
  "role.change",
  "invite.create",
  "invite.accept",
  "service_account.create",
  "visibility.change",
  "run.delete",
  "project.delete",
  "access.denied",
];

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

export function AdminAudit(): React.JSX.Element {
  const action = useParam("action");
  // The "before" ids of the pages walked through, so "Newer" goes back one page.
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors[cursors.length - 1] ?? null;
  const events = useQuery({ queryKey: ["audit", action, before], queryFn: () => identity.audit({ limit: PAGE, before, action }) });
  const rows = events.data ?? [];
  const last = rows[rows.length - 1];
  return (
    <section className="admin-section" data-testid="admin-audit">
      <div className="admin-form">
        <label>
          Action
          <select
            value={action ?? ""}
            onChange={(e) => {
              setCursors([]);
              setParams({ action: e.target.value || null });
            }}
            aria-label="filter by action"
            data-testid="audit-action"
          >
            <option value="">all actions</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <button type="button" disabled={rows.length < PAGE || !last} onClick={() => last && setCursors([...cursors, last.id])} data-testid="audit-older">
          Older →
        </button>
      </div>
      {events.isError && <div className="form-error">{(events.error as Error).message}</div>}
      {events.data && rows.length === 0 && <div className="muted empty-line">No events{action ? ` of action ${action}` : ""}.</div>}
      {rows.length > 0 && (
        <table className="grid-table audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>IP</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="nowrap">{dateTime(e.at)}</td>
                <td>{e.actor ?? <span className="muted">–</span>}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target ?? <span className="muted">–</span>}</td>
                <td>
                  <span className={`badge ${e.outcome === "ok" ? "state-finished" : "state-failed"}`}>{e.outcome}</span>
                </td>
                <td className="muted">{e.ip ?? "–"}</td>
                <td className="muted detail">{detailText(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
