/** The admin page (/admin?tab=): server admins see users, teams, storage and the audit log; a team
 * admin who is not a server admin sees the teams they administer. Each tab is its own module. */
import { Link, paths } from "../router";
import { AdminAudit } from "./AdminAudit";
import { AdminStorage } from "./AdminStorage";
import { AdminTeams } from "./AdminTeams";
import { AdminUsers } from "./AdminUsers";
import "./admin.css";

const TABS = [
  ["users", "Users"],
  ["teams", "Teams"],
  ["storage", "Storage"],
  ["audit", "Audit log"],
] as const;

export function Admin({ tab, team, isAdmin }: { tab: string; team: string | null; isAdmin: boolean }): React.JSX.Element {
  const tabs = isAdmin ? TABS : TABS.filter(([id]) => id === "teams");
  const current = tabs.some(([id]) => id === tab) ? tab : (tabs[0]?.[0] ?? "teams");
  return (
    <div className="page admin-page" data-testid="admin">
      <div className="page-head">
        <h1>{isAdmin ? "Server admin" : "Teams"}</h1>
      </div>
      {tabs.length > 1 && (
        <nav className="tabs">
          {tabs.map(([id, label]) => (
            <Link key={id} to={paths.admin(id)} className={id === current ? "active" : ""} data-testid={`admin-tab-${id}`}>
              {label}
            </Link>
          ))}
        </nav>
      )}
      {current === "users" && <AdminUsers />}
      {current === "teams" && <AdminTeams selected={team} isAdmin={isAdmin} />}
      {current === "storage" && <AdminStorage />}
      {current === "audit" && <AdminAudit />}
    </div>
  );
}
