/** The report pages of a project, by route (router.tsx: /e/p/reports[/id]). */
import type { Route } from "../router";
import { ReportPage } from "./ReportPage";
import { ReportsList } from "./ReportsList";

export type ReportRoute = Extract<Route, { page: "reports" | "report" }>;

export function isReportRoute(route: Route): route is ReportRoute {
  return route.page === "reports" || route.page === "report";
}

export function ReportsRoute({ route }: { route: ReportRoute }): React.JSX.Element {
  if (route.page === "reports") return <ReportsList entity={route.entity} project={route.project} />;
  return <ReportPage key={route.id} entity={route.entity} project={route.project} id={route.id} version={route.version} />;
}
