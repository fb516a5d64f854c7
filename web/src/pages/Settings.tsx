/** The signed-in user's settings: who they are, their API keys (components/ApiKeys.tsx) and the
 * teams they are in, with their role; a team admin manages a team from here (Admin page, Teams). */
import { useQuery } from "@tanstack/react-query";
import { identity, viewerTeams } from "../api/identity";
import { ApiKeys } from "../components/ApiKeys";
import { ChangePassword } from "../signin/ChangePassword";
import { Link, paths } from "../router";
import "./admin.css";

export function Settings(): React.JSX.Element {
  const viewer = useQuery({ queryKey: ["viewer"], queryFn: identity.viewer });
  if (viewer.isPending) return <div className="loading">Loading…</div>;
  if (viewer.isError) return <div className="page form-error">{(viewer.error as Error).message}</div>;
  const me = viewer.data;
  const teams = viewerTeams(me);
  return (
    <div className="page admin-page" data-testid="settings">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <section className="admin-section profile">
        <h2>Profile</h2>
        <dl className="facts">
          <dt>Username</dt>
          <dd>{me.username}</dd>
          <dt>Email</dt>
          <dd>{me.email || <span className="muted">none</span>}</dd>
          <dt>Personal entity</dt>
          <dd>{me.entity}</dd>
          <dt>Server role</dt>
          <dd>{me.is_admin ? <span className="badge role-admin">server admin</span> : "user"}</dd>
        </dl>
      </section>
      <ApiKeys username={me.username} />
      {me.kind !== "service" && <ChangePassword />}
      <section className="admin-section" data-testid="my-teams">
        <h2>Teams</h2>
        {teams.length === 0 ? (
          <div className="muted empty-line">You are not in a team yet. A team admin can add you; a server admin can create teams.</div>
        ) : (
          <table className="grid-table">
            <thead>
              <tr>
                <th>Team</th>
                <th>Your role</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {teams.map((t) => (
                <tr key={t.name}>
                  <td>{t.name}</td>
                  <td>{t.role ? <span className={`badge role-${t.role}`}>{t.role}</span> : "–"}</td>
                  <td className="actions">{(t.role === "admin" || me.is_admin) && <Link to={paths.admin("teams", t.name)}>Manage</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
