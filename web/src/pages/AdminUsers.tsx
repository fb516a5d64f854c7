/** Admin page, Users tab: every user of the server; create one, make or unmake a server admin,
 * disable (their keys and sessions stop working) or enable again. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { identity, type UserOut } from "../api/identity";

export function AdminUsers(): React.JSX.Element {
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ["admin-users"], queryFn: identity.users });
  const [email, setEmail] = useState("");
  const [username, setUsername] = useState("");
  const [admin, setAdmin] = useState(false);
  const [search, setSearch] = useState("");
  const refresh = (): Promise<void> => qc.invalidateQueries({ queryKey: ["admin-users"] });
  const create = useMutation({
    mutationFn: () => identity.createUser({ email: email.trim(), admin, ...(username.trim() ? { username: username.trim() } : {}) }),
    onSuccess: () => {
      setEmail("");
      setUsername("");
      setAdmin(false);
      void refresh();
    },
  });
  const update = useMutation({
    mutationFn: ({ user, change }: { user: UserOut; change: { admin?: boolean; disabled?: boolean } }) => identity.updateUser(user.username, change),
    onSuccess: () => void refresh(),
  });
  const text = search.trim().toLowerCase();
  const shown = (users.data ?? []).filter((u) => !text || u.username.toLowerCase().includes(text) || (u.email ?? "").toLowerCase().includes(text));
  return (
    <section className="admin-section" data-testid="admin-users">
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} placeholder="Email" aria-label="new user's email" />
        <input value={username} onChange={(e) => setUsername(e.target.value)} placeholder="Username (optional)" aria-label="new user's username" />
        <label>
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Server admin
        </label>
        <button className="primary" type="submit" disabled={create.isPending} data-testid="create-user">
          Create user
        </button>
        <span className="spacer" />
        <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search users" aria-label="search users" />
      </form>
      {create.isError && <div className="form-error">{(create.error as Error).message}</div>}
      {create.data && (
        <div className="form-note" data-testid="user-created">
          Created <b>{create.data.username}</b>. Next: add them to a team (Teams tab) and give them a key with <code>trackwell admin keys create {create.data.username}</code>.
        </div>
      )}
      {update.isError && <div className="form-error">{(update.error as Error).message}</div>}
      {users.isError && <div className="form-error">{(users.error as Error).message}</div>}
      {users.data && (
        <table className="grid-table" data-testid="users-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => (
              <tr key={u.username} data-testid="user-row" data-username={u.username} className={u.disabled ? "disabled-row" : ""}>
                <td>
                  {u.username}
                  {u.display_name && <span className="muted"> · {u.display_name}</span>}
                  {u.kind === "service" && <span className="badge">service</span>}
                </td>
                <td>{u.email ?? <span className="muted">–</span>}</td>
                <td>{u.is_admin ? <span className="badge role-admin">server admin</span> : <span className="muted">user</span>}</td>
                <td>{u.disabled ? <span className="badge state-failed">disabled</span> : <span className="badge state-finished">active</span>}</td>
                <td className="actions">
                  <button type="button" className="link" onClick={() => update.mutate({ user: u, change: { admin: !u.is_admin } })} data-testid="toggle-admin">
                    {u.is_admin ? "Remove admin" : "Make admin"}
                  </button>
                  <button
                    type="button"
                    className={u.disabled ? "link" : "danger-link"}
                    data-testid="toggle-disabled"
                    onClick={() => {
                      if (u.disabled || window.confirm(`Disable ${u.username}? Their keys and sessions stop working until you enable them again.`))
                        update.mutate({ user: u, change: { disabled: !u.disabled } });
                    }}
                  >
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
