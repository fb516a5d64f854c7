/**
 * A report's page: the report read-only (`ReportView`), a version of it (`?v=N`), its editor
 * (`?edit=1`) or its history (`?history=1`), with the header's title, status, author, last save and
 * version, and Edit, Share, Export and History. Comments sit under the report.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client";
import { ErrorState } from "../artifacts/common";
import { CommentThread } from "../comments/CommentThread";
import { ago, dateTime } from "../lib/format";
import { Link, navigate, paths, useParam } from "../router";
import { exportUrl, reportKeys, reportsApi, type ReportOut } from "./api";
import { reportLink } from "./links";
import { ProjectHeader } from "./ProjectHeader";
import { ReportEditor } from "./ReportEditor";
import { ReportHistory, StatusBadge } from "./ReportHistory";
import { ReportView } from "./ReportView";
import { ShareDialog } from "./share/ShareDialog";
import "./reports.css";

export function ReportPage(props: { entity: string; project: string; id: string; version: number | null }): React.JSX.Element {
  const { entity, project, id } = props;
  const editing = useParam("edit") === "1";
  const history = useParam("history") === "1";
  // The editor always starts from the newest version (a save is made from it).
  const version = editing ? null : props.version;
  const q = useQuery({ queryKey: reportKeys.report(entity, project, id, version), queryFn: () => reportsApi.get(entity, project, id, version) });
  if (q.isPending) return <div className="loading">Loading report…</div>;
  if (q.isError)
    return (
      <div className="page">
        <ProjectHeader entity={entity} project={project} />
        <ErrorState title={q.error instanceof ApiError && q.error.status === 404 ? "No such report (or you may not read it)" : "Could not load the report"} error={q.error} />
      </div>
    );
  const report = q.data;
  return (
    <div className="page report-page">
      <ProjectHeader entity={entity} project={project} />
      {editing ? (
        <ReportEditor key={`${id}`} report={report} onDone={() => navigate(reportLink(entity, project, id))} />
      ) : (
        <>
          <ReportHeader report={report} history={history} />
          {report.version !== report.latest_version && (
            <div className="old-version" role="status" data-testid="old-version">
              You are reading version {report.version}; the newest is version {report.latest_version}.{" "}
              <Link to={reportLink(entity, project, id)}>Read the newest</Link> or restore this one from <Link to={reportLink(entity, project, id, { history: true })}>History</Link>.
            </div>
          )}
          {history && <ReportHistory report={report} />}
          <ReportView report={report} />
          <section className="report-comments">
            <CommentThread target={{ kind: "report", entity, project, reportId: id }} />
          </section>
        </>
      )}
    </div>
  );
}

function ReportHeader({ report, history }: { report: ReportOut; history: boolean }): React.JSX.Element {
  const { entity, project, id } = report;
  const shown = report.version === report.latest_version ? null : report.version;
  const [sharing, setSharing] = useState(false);
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: () => reportsApi.remove(entity, project, id),
    onSuccess: () => {
      qc.removeQueries({ queryKey: reportKeys.all(entity, project, id) });
      void qc.invalidateQueries({ queryKey: ["reports", entity, project, "list"] });
      navigate(paths.reports(entity, project));
    },
  });
  return (
    <div className="report-header" data-testid="report-header">
      <StatusBadge status={report.status} />
      <span className="muted" data-testid="report-version">
        Version {report.version}
        {report.version !== report.latest_version ? ` of ${report.latest_version}` : ""} · saved by {report.author ?? "a former member"}{" "}
        <span title={dateTime(report.version_created_at)}>{ago(report.version_created_at)}</span>
      </span>
      <span className="spacer" />
      <button type="button" className="primary" onClick={() => navigate(reportLink(entity, project, id, { edit: true }))} data-testid="edit-report">
        Edit
      </button>
      <button type="button" onClick={() => setSharing(true)} data-testid="share-report">
        Share
      </button>
      <a className="button" href={exportUrl(entity, project, id, "html", shown)} download data-testid="export-html">
        Export HTML
      </a>
      <a className="button" href={exportUrl(entity, project, id, "pdf", shown)} download data-testid="export-pdf">
        Export PDF
      </a>
      <button
        type="button"
        className={history ? "on" : ""}
        onClick={() => navigate(reportLink(entity, project, id, { history: !history, version: report.version === report.latest_version ? null : report.version }))}
        aria-pressed={history}
        data-testid="history-toggle"
      >
        History
      </button>
      <button
        type="button"
        className="danger"
        disabled={remove.isPending}
        onClick={() => window.confirm(`Delete “${report.title}” and all its ${report.latest_version} versions? This cannot be undone.`) && remove.mutate()}
        title="Delete the report and every version (its owner or an admin)"
        data-testid="delete-report"
      >
        Delete
      </button>
      {remove.isError && (
        <span className="filter-error" role="alert">
          Not deleted: {(remove.error as Error).message}
        </span>
      )}
      {sharing && <ShareDialog entity={entity} project={project} reportId={id} onClose={() => setSharing(false)} />}
    </div>
  );
}
