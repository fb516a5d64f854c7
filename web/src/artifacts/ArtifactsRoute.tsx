/** The artifact pages of a project, by route (router.tsx: /e/p/artifacts[/type/name[/version[/tab]]]). */
import type { Route } from "../router";
import "./artifacts.css";
import { CollectionPage } from "./CollectionPage";
import { ProjectArtifacts } from "./ProjectArtifacts";
import { VersionPage } from "./VersionPage";

export type ArtifactRoute = Extract<Route, { page: "artifacts" | "artifactCollection" | "artifactVersion" }>;

export function isArtifactRoute(route: Route): route is ArtifactRoute {
  return route.page === "artifacts" || route.page === "artifactCollection" || route.page === "artifactVersion";
}

export function ArtifactsRoute({ route }: { route: ArtifactRoute }): React.JSX.Element {
  if (route.page === "artifacts") return <ProjectArtifacts entity={route.entity} project={route.project} />;
  if (route.page === "artifactCollection") return <CollectionPage key={route.name} {...route} />;
  return <VersionPage key={`${route.name}:${route.version}`} {...route} />;
}
