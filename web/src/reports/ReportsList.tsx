/** A project's reports, the most recently saved first: title, draft/published, author, when; a
 * search over titles (the server's `search`) and "New report", which opens the editor on it. */
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { ErrorState } from "../artifacts/common";
import { Empty } from "../components/Empty";
import { ago, dateTime } from "../lib/format";
import { Link, navigate, setParams, useParam } from "../router";
import { reportKeys, reportsApi } from "./api";
import { ProjectHeader } from "./ProjectHeader";
import { StatusBadge } from "./ReportHistory";
import { reportLink } from "./links";
import "./reports.css";

export const REPORT_SNIPPET = `import trackwell.reports as wr

report = wr.Report(project="my-project", title="Optimizer study", blocks=[
    wr.H1("Hypothesis"),
    wr.P(["Adam converges ", wr.Bold("faster"), " than SGD."]),
    wr.PanelGrid(runsets=[wr.Runset()], panels=[wr.LinePlot(x="Step", y=["loss"])]),
])
report.save()
print(report.url)`;

export function ReportsList({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const search = useParam("search") ?? "";
  const q = useQuery({
    queryKey: reportKeys.list(entity, project, search),
    queryFn: () => reportsApi.list(entity, project, search),
    placeholderData: keepPreviousData,
  });
  const create = useMutation({
    mutationFn: () => reportsApi.create(entity, project, { title: "Untitled report", description: "", status: "draft", blocks: [] }),
    onSuccess: (r) => navigate(reportLink(entity, project, r.id, { edit: true })),
  });
  const reports = q.data?.reports ?? [];
  return (
    <div className="page reports-page">
      <ProjectHeader entity={entity} project={project} />
      <div className="page-head">
        <input
          type="search"
          placeholder="Search report titles"
          aria-label="Search reports"
          value={search}
          onChange={(e) => setParams({ search: e.target.value })}
          data-testid="report-search"
        />
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => create.mutate()} disabled={create.isPending} data-testid="new-report">
          New report
        </button>
      </div>
      {create.isError && (
        <p className="filter-error" role="alert">
          Could not create a report: {(create.error as Error).message}
        </p>
      )}
      {q.isPending && <div className="loading">Loading reports…</div>}
      {q.isError && <ErrorState title="Could not load the reports" error={q.error} />}
      {q.data && reports.length === 0 && !search && (
        <Empty title={`No reports in ${entity}/${project} yet`}>
          <p>A report is a live research memo: text, code and the project's charts, which update as runs arrive. Start one with “New report”, or from Python:</p>
          <pre className="snippet">{REPORT_SNIPPET}</pre>
        </Empty>
      )}
      {q.data && reports.length === 0 && search && <p className="muted">No report title contains “{search}”.</p>}
      {reports.length > 0 && (
        <table className="grid-table" data-testid="reports-list">
          <thead>
            <tr>
              <th>Report</th>
              <th>Status</th>
              <th>Author</th>
              <th>Updated</th>
              <th className="num">Versions</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.id} data-testid="report-row">
                <td>
                  <Link to={reportLink(entity, project, r.id)}>{r.title}</Link>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{r.owner ?? <span className="muted">a former member</span>}</td>
                <td title={dateTime(r.updated_at)}>{ago(r.updated_at)}</td>
                <td className="num">{r.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
