/** The sweep pages of a project, by route (router.tsx: /e/p/sweeps[/id]). */
import type { Route } from "../router";
import { SweepPage } from "./SweepPage";
import { SweepsList } from "./SweepsList";
import "./sweeps.css";

export type SweepRoute = Extract<Route, { page: "sweeps" | "sweep" }>;

export function isSweepRoute(route: Route): route is SweepRoute {
  return route.page === "sweeps" || route.page === "sweep";
}

export function SweepsRoute({ route }: { route: SweepRoute }): React.JSX.Element {
  if (route.page === "sweeps") return <SweepsList entity={route.entity} project={route.project} />;
  return <SweepPage key={route.sweepId} entity={route.entity} project={route.project} sweepId={route.sweepId} />;
}
