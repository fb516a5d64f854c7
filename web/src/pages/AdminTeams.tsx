/** Admin page, Teams tab: the teams (all of them for a server admin, else the caller's), a new
 * team, and one team's members (components in TeamDetail.tsx). The selected team is in the URL
 * (?team=), so a team's page can be linked to. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { identity } from "../api/identity";
import { Link, navigate, paths } from "../router";
import { TeamDetail } from "./TeamDetail";

export function AdminTeams({ selected, isAdmin }: { selected: string | null; isAdmin: boolean }): React.JSX.Element {
  const qc = useQueryClient();
  const teams = useQuery({ queryKey: ["teams"], queryFn: identity.teams });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => identity.createTeam(name.trim()),
    onSuccess: (team) => {
      setName("");
      void qc.invalidateQueries({ queryKey: ["teams"] });
      navigate(paths.admin("teams", team.name));
    },
  });
  const list = teams.data ?? [];
  const current = selected ?? list[0]?.name ?? null;
  return (
    <div className="teams-layout" data-testid="admin-teams">
      <aside className="teams-list">
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="New team name" aria-label="new team name" />
          <button className="primary" type="submit" disabled={create.isPending} data-testid="create-team">
            Create
          </button>
        </form>
        {create.isError && <div className="form-error">{(create.error as Error).message}</div>}
        {teams.isError && <div className="form-error">{(teams.error as Error).message}</div>}
        {teams.data && list.length === 0 && <div className="muted empty-line">{isAdmin ? "No teams yet." : "You administer no team."}</div>}
        <ul>
          {list.map((t) => (
            <li key={t.name} className={t.name === current ? "active" : ""}>
              <Link to={paths.admin("teams", t.name)} data-testid="team-link">
                <span>{t.name}</span>
                <span className="muted">
                  {t.members_count} {t.members_count === 1 ? "member" : "members"}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </aside>
      {current ? <TeamDetail key={current} team={current} /> : <div className="muted empty-line">Create a team to add members, roles and service accounts.</div>}
    </div>
  );
}
