/**
 * The page a report's public link opens (`/public/reports/<token>`): the report, read-only, for
 * anyone holding the link, with no sign-in. Every API call of the page (the report, its panels'
 * runs and series) presents the token (`setReportLink`); the server answers as the link's
 * read-only caller, so nothing here can change anything, and there is no edit, share or admin UI.
 * A revoked or unknown link shows a not-found page.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { ApiError, setReportLink } from "../../api/client";
import { ReportView } from "../ReportView";
import { linkKeys, linksApi } from "./linksApi";
import "./share.css";

// A revoke (or a new version) shows within this long on a page left open.
const RECHECK_MS = 60_000;

function PublicFrame({ children, entity }: { children: React.ReactNode; entity?: string }): React.JSX.Element {
  return (
    <div className="app public-report">
      <header className="topbar">
        <span className="brand">◆ Trackwell</span>
        {entity && (
          <span className="public-banner" data-testid="public-banner">
            Shared read-only by <strong>{entity}</strong>
          </span>
        )}
        <span className="spacer" />
        <a href="/" className="nav">
          Sign in
        </a>
      </header>
      <main className="report-page">{children}</main>
    </div>
  );
}

export function PublicReport({ token }: { token: string }): React.JSX.Element {
  // Set while rendering, not in an effect: the first request (below) must already carry it.
  setReportLink(token);
  useEffect(() => () => setReportLink(null), []);
  const report = useQuery({
    queryKey: linkKeys.linked(token),
    queryFn: linksApi.linked,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    refetchInterval: RECHECK_MS,
  });
  const title = report.data?.title;
  useEffect(() => {
    if (title) document.title = `${title} · Trackwell`;
  }, [title]);
  if (report.isPending) return <PublicFrame>{<div className="loading">Loading…</div>}</PublicFrame>;
  if (report.isError) {
    const gone = report.error instanceof ApiError && report.error.status === 404;
    return (
      <PublicFrame>
        <div className="page public-missing" data-testid="public-not-found">
          <h1>{gone ? "Report not found" : "This report cannot be shown"}</h1>
          <p className="muted">
            {gone
              ? "This link does not exist or was revoked. Ask whoever shared it for a new link."
              : (report.error as Error).message}
          </p>
        </div>
      </PublicFrame>
    );
  }
  return (
    <PublicFrame entity={report.data.entity}>
      <ReportView report={report.data} />
    </PublicFrame>
  );
}
