/** Projects: every project with its run count and last activity, searchable. */
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { Empty } from "../components/Empty";
import { ago } from "../lib/format";
import { Link, paths, setParams, useLocation } from "../router";

export function Projects(): React.JSX.Element {
  const { search } = useLocation();
  const text = search.get("search") ?? "";
  const q = useQuery({ queryKey: ["projects", text], queryFn: () => api.projects(text), refetchInterval: 15000 });
  return (
    <div className="page">
      <div className="page-head">
        <h1>Projects</h1>
        <input placeholder="Search projects (press /)" id="run-filter" value={text} onChange={(e) => setParams({ search: e.target.value })} aria-label="search projects" />
      </div>
      {q.isError && <div className="filter-error">{(q.error as Error).message}</div>}
      {q.data && q.data.projects.length === 0 &&
        (text ? <Empty title={`No project matches "${text}"`} /> : <Empty title="No projects yet" snippet />)}
      {q.data && q.data.projects.length > 0 && (
        <table className="grid-table" data-testid="projects">
          <thead>
            <tr>
              <th>Project</th>
              <th>Entity</th>
              <th className="num">Runs</th>
              <th className="num">Running</th>
              <th>Last activity</th>
            </tr>
          </thead>
          <tbody>
            {q.data.projects.map((p) => (
              <tr key={`${p.entity}/${p.name}`}>
                <td>
                  <Link to={paths.workspace(p.entity, p.name)}>{p.name}</Link>
                </td>
                <td className="muted">{p.entity}</td>
                <td className="num">{p.run_count}</td>
                <td className="num">{p.running_count ? <span className="badge state-running">{p.running_count}</span> : 0}</td>
                <td>{ago(p.last_activity ?? p.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
