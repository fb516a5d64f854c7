/** Admin page, Storage tab: what each project holds (runs, files, artifacts, history rows), largest
 * first, with the server's totals, so an operator sees what fills the disk. */
import { useQuery } from "@tanstack/react-query";
import { identity } from "../api/identity";
import { formatNumber } from "../lib/format";
import { bytes } from "../lib/files";
import { Link, paths } from "../router";

export function AdminStorage(): React.JSX.Element {
  const usage = useQuery({ queryKey: ["admin-storage"], queryFn: identity.storage });
  if (usage.isPending) return <div className="loading">Loading…</div>;
  if (usage.isError) return <div className="form-error">{(usage.error as Error).message}</div>;
  const rows = [...usage.data].sort((a, b) => b.files_bytes + b.artifacts_bytes - (a.files_bytes + a.artifacts_bytes));
  const total = rows.reduce(
    (t, r) => ({ runs: t.runs + r.runs, files: t.files + r.files_bytes, artifacts: t.artifacts + r.artifacts_bytes, history: t.history + r.history_rows }),
    { runs: 0, files: 0, artifacts: 0, history: 0 },
  );
  const largest = Math.max(1, ...rows.map((r) => r.files_bytes + r.artifacts_bytes));
  return (
    <section className="admin-section" data-testid="admin-storage">
      {rows.length === 0 ? (
        <div className="muted empty-line">No projects yet.</div>
      ) : (
        <table className="grid-table">
          <thead>
            <tr>
              <th>Project</th>
              <th className="num">Runs</th>
              <th className="num">Files</th>
              <th className="num">Artifacts</th>
              <th className="num">History rows</th>
              <th>Files + artifacts</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.entity}/${r.project}`} data-testid="storage-row">
                <td>
                  <Link to={paths.workspace(r.entity, r.project)}>
                    {r.entity}/{r.project}
                  </Link>
                </td>
                <td className="num">{formatNumber(r.runs)}</td>
                <td className="num">{bytes(r.files_bytes)}</td>
                <td className="num">{bytes(r.artifacts_bytes)}</td>
                <td className="num">{formatNumber(r.history_rows)}</td>
                <td>
                  <span className="usage-track" title={bytes(r.files_bytes + r.artifacts_bytes)}>
                    <span className="usage-bar" style={{ width: `${(100 * (r.files_bytes + r.artifacts_bytes)) / largest}%` }} />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>Total ({rows.length} projects)</th>
              <th className="num">{formatNumber(total.runs)}</th>
              <th className="num">{bytes(total.files)}</th>
              <th className="num">{bytes(total.artifacts)}</th>
              <th className="num">{formatNumber(total.history)}</th>
              <th />
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
