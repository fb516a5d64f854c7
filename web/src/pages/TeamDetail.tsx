/** One team on the admin page: members and their roles (change, remove), adding people (an existing
 * user by username or email; anyone else gets a one-time invite link), and the team's service
 * accounts (a key for CI and agents, shown once). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client";
import { identity, ROLES, type InviteOut, type Role, type ServiceAccountOut } from "../api/identity";
import { CopyButton } from "../artifacts/common";
import { ShownOnce } from "../components/ShownOnce";
import { ago, dateTime } from "../lib/format";

const ROLE_HELP: Record<Role, string> = {
  admin: "manages members, roles and every project",
  member: "logs runs, edits the team's projects",
  viewer: "reads the team's projects",
};

export function TeamDetail({ team }: { team: string }): React.JSX.Element {
  const qc = useQueryClient();
  const detail = useQuery({ queryKey: ["team", team], queryFn: () => identity.team(team) });
  const refresh = (): void => {
    void qc.invalidateQueries({ queryKey: ["team", team] });
    void qc.invalidateQueries({ queryKey: ["teams"] });
  };
  const [who, setWho] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [invite, setInvite] = useState<InviteOut | null>(null);
  const [service, setService] = useState<ServiceAccountOut | null>(null);
  const [description, setDescription] = useState("");
  const add = useMutation({
    // An existing user joins at once; an email with no account gets a one-time invite link.
    mutationFn: async (): Promise<InviteOut | null> => {
      try {
        await identity.setMember(team, who.trim(), role);
        return null;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && who.includes("@") && e.field !== "team") return identity.createInvite(team, who.trim(), role);
        throw e;
      }
    },
    onSuccess: (made) => {
      setInvite(made);
      setWho("");
      refresh();
    },
  });
  const link = useMutation({ mutationFn: () => identity.createInvite(team, null, role), onSuccess: setInvite });
  const change = useMutation({ mutationFn: ({ username, to }: { username: string; to: Role }) => identity.setMember(team, username, to), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (username: string) => identity.removeMember(team, username), onSuccess: refresh });
  const makeService = useMutation({
    mutationFn: () => identity.createServiceAccount(team, description.trim()),
    onSuccess: (made) => {
      setService(made);
      setDescription("");
      refresh();
    },
  });
  const error = [add, link, change, remove, makeService].find((m) => m.isError)?.error as Error | undefined;
  if (detail.isPending) return <div className="loading">Loading {team}…</div>;
  if (detail.isError) return <div className="form-error">{(detail.error as Error).message}</div>;
  const people = detail.data.members.filter((m) => m.kind !== "service");
  const services = detail.data.members.filter((m) => m.kind === "service");
  return (
    <div className="team-detail" data-testid="team-detail">
      <h2 className="team-title">{team}</h2>
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <input required value={who} onChange={(e) => setWho(e.target.value)} placeholder="Username or email" aria-label="username or email to add" />
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} aria-label="role" title={ROLE_HELP[role]}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button className="primary" type="submit" disabled={add.isPending} data-testid="add-member">
          Add to team
        </button>
        <button type="button" onClick={() => link.mutate()} disabled={link.isPending} data-testid="invite-link">
          Invite link
        </button>
      </form>
      <div className="muted role-help">
        {ROLES.map((r) => (
          <span key={r}>
            <b>{r}</b>: {ROLE_HELP[r]}
          </span>
        ))}
      </div>
      {error && <div className="form-error">{error.message}</div>}
      {invite && (
        <div className="shown-once" data-testid="invite">
          <div className="shown-once-title">One-time invite link</div>
          <div className="shown-once-row">
            <code>{invite.url}</code>
            <CopyButton text={invite.url} />
          </div>
          <div className="muted">Send it to the person: it works once and expires {dateTime(invite.expires_at)}.</div>
          <button type="button" onClick={() => setInvite(null)}>
            Done
          </button>
        </div>
      )}
      <table className="grid-table" data-testid="members-table">
        <thead>
          <tr>
            <th>Member</th>
            <th>Email</th>
            <th>Role</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {people.map((m) => (
            <tr key={m.username} data-testid="member-row" data-username={m.username}>
              <td>{m.username}</td>
              <td>{m.email ?? <span className="muted">–</span>}</td>
              <td>
                <select value={m.role} onChange={(e) => change.mutate({ username: m.username, to: e.target.value as Role })} aria-label={`role of ${m.username}`} data-testid="member-role">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td title={dateTime(m.since)}>{ago(m.since)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="danger-link"
                  data-testid="remove-member"
                  onClick={() => {
                    if (window.confirm(`Remove ${m.username} from ${team}?`)) remove.mutate(m.username);
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Service accounts</h2>
      <p className="muted">A service account is a team member with its own key, for CI and sweep agents: runs it logs belong to the team, not to a person.</p>
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          makeService.mutate();
        }}
      >
        <input required value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What it is for, e.g. CI on main" aria-label="service account description" />
        <button type="submit" disabled={makeService.isPending} data-testid="create-service-account">
          New service account
        </button>
      </form>
      {service && (
        <ShownOnce
          title={`Key of ${service.username}`}
          secret={service.api_key}
          note="Copy it into your CI's secrets now: it is shown only this once."
          onDone={() => setService(null)}
        />
      )}
      {services.length > 0 && (
        <table className="grid-table" data-testid="service-accounts">
          <thead>
            <tr>
              <th>Service account</th>
              <th>Role</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {services.map((m) => (
              <tr key={m.username}>
                <td>{m.username}</td>
                <td>{m.role}</td>
                <td title={dateTime(m.since)}>{ago(m.since)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="danger-link"
                    onClick={() => {
                      if (window.confirm(`Remove service account ${m.username}? Its key stops working in ${team}.`)) remove.mutate(m.username);
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
