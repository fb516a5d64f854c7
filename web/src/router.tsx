/**
 * A deliberately tiny router: every view is a URL (path + query string), so any view can be shared
 * as a link, and back/forward work. The URL is the state; components read it with `useRoute`.
 */
import { useState, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

export type Route =
  | { page: "projects" }
  | { page: "signin" }
  | { page: "invite" }
  | { page: "settings" }
  | { page: "inbox" }
  | { page: "admin"; tab: string; team: string | null }
  | { page: "workspace"; entity: string; project: string }
  | { page: "run"; entity: string; project: string; runId: string; tab: string }
  | { page: "compare"; entity: string; project: string }
  | { page: "artifacts"; entity: string; project: string }
  | { page: "artifactCollection"; entity: string; project: string; type: string; name: string }
  | { page: "artifactVersion"; entity: string; project: string; type: string; name: string; version: string; tab: string }
  | { page: "sweeps"; entity: string; project: string }
  | { page: "sweep"; entity: string; project: string; sweepId: string }
  | { page: "reports"; entity: string; project: string }
  | { page: "report"; entity: string; project: string; id: string; version: number | null }
  | { page: "alerts"; entity: string; project: string }
  | { page: "publicReport"; token: string }
  | { page: "notfound" };

/** A path segment decoded; null when it is not valid percent-encoding (a hand-typed "100%"). */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Names may hold spaces, any script and punctuation other than / \\ # ? % : (as in wandb), so
 * every segment of a link is percent-encoded (`paths` below) and decoded here. */
export function parseRoute(pathname: string, search: URLSearchParams): Route {
  const decoded = pathname.split("/").filter(Boolean).map(decodeSegment);
  if (decoded.some((p) => p === null)) return { page: "notfound" };
  const parts = decoded as string[];
  if (parts.length === 0) return { page: "projects" };
  if (parts.length === 1 && parts[0] === "signin") return { page: "signin" };
  if (parts.length === 1 && parts[0] === "invite") return { page: "invite" };
  if (parts.length === 1 && parts[0] === "settings") return { page: "settings" };
  if (parts.length === 1 && parts[0] === "inbox") return { page: "inbox" };
  // A report's public link (reports/share/PublicReport.tsx): open without signing in.
  if (parts.length === 3 && parts[0] === "public" && parts[1] === "reports" && parts[2]) return { page: "publicReport", token: parts[2] };
  if (parts.length === 1 && parts[0] === "admin") return { page: "admin", tab: search.get("tab") ?? "users", team: search.get("team") };
  const [entity = "", project = "", kind, runId] = parts;
  if (parts.length === 2) return { page: "workspace", entity, project };
  if (parts.length === 3 && kind === "compare") return { page: "compare", entity, project };
  // Artifacts as wandb.ai lays them out: /e/p/artifacts[/type/name[/version[/tab]]].
  if (kind === "artifacts") {
    const [, , , type, name, version, tab] = parts;
    if (parts.length === 3) return { page: "artifacts", entity, project };
    if (parts.length === 5 && type && name) return { page: "artifactCollection", entity, project, type, name };
    if (parts.length >= 6 && parts.length <= 7 && type && name && version)
      return { page: "artifactVersion", entity, project, type, name, version, tab: tab ?? "overview" };
  }
  // Sweeps as wandb.ai addresses them (run.sweep_url): /e/p/sweeps[/id].
  if (kind === "sweeps") {
    if (parts.length === 3) return { page: "sweeps", entity, project };
    if (parts.length === 4 && runId) return { page: "sweep", entity, project, sweepId: runId };
  }
  if (parts.length === 3 && kind === "alerts") return { page: "alerts", entity, project };
  // Reports as Report.url names them: /e/p/reports[/id], a version as ?v=N.
  if (kind === "reports") {
    if (parts.length === 3) return { page: "reports", entity, project };
    const v = Number(search.get("v"));
    if (parts.length === 4 && runId) return { page: "report", entity, project, id: runId, version: Number.isInteger(v) && v > 0 ? v : null };
  }
  if (parts.length === 4 && kind === "runs" && runId)
    return { page: "run", entity, project, runId, tab: search.get("tab") ?? "overview" };
  return { page: "notfound" };
}

const listeners = new Set<() => void>();
function notify(): void {
  for (const l of listeners) l();
}
window.addEventListener("popstate", notify);

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

const snapshot = (): string => window.location.pathname + window.location.search;

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  notify();
}

/** Updates query parameters of the current URL (null deletes), replacing the history entry so
 * typing in a search box does not flood the back button. */
export function setParams(params: Record<string, string | null>, opts: { push?: boolean } = {}): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === "") url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  navigate(url.pathname + url.search, { replace: !opts.push });
}

/** The value of one query parameter; re-renders only when that parameter changes (a chart reading
 * its zoom must not re-render on every keystroke in the filter box). */
export function useParam(name: string): string | null {
  return useSyncExternalStore(subscribe, () => new URLSearchParams(window.location.search).get(name));
}

/** The current URL's value of one query parameter, read when called (for event handlers). */
export function currentParam(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

/** One query parameter as state (null when absent); with `name` null, plain component state. */
export function useParamState(name: string | null): [string | null, (v: string | null) => void] {
  const { search } = useLocation();
  const [local, setLocal] = useState<string | null>(null);
  if (name === null) return [local, setLocal];
  return [search.get(name), (v) => setParams({ [name]: v })];
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }): React.JSX.Element {
  const { to, onClick, ...rest } = props;
  const handle = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

export const paths = {
  projects: (): string => "/",
  settings: (): string => "/settings",
  inbox: (): string => "/inbox",
  admin: (tab: string, team?: string): string => `/admin?tab=${encodeURIComponent(tab)}` + (team ? `&team=${encodeURIComponent(team)}` : ""),
  workspace: (entity: string, project: string): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}`,
  run: (entity: string, project: string, runId: string, tab?: string): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/runs/${encodeURIComponent(runId)}` +
    (tab && tab !== "overview" ? `?tab=${tab}` : ""),
  artifacts: (entity: string, project: string): string => `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/artifacts`,
  artifactCollection: (entity: string, project: string, type: string, name: string): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/artifacts/${encodeURIComponent(type)}/${encodeURIComponent(name)}`,
  artifactVersion: (entity: string, project: string, type: string, name: string, version: string, tab?: string): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/artifacts/${encodeURIComponent(type)}/${encodeURIComponent(name)}/${encodeURIComponent(version)}` +
    (tab && tab !== "overview" ? `/${encodeURIComponent(tab)}` : ""),
  sweeps: (entity: string, project: string): string => `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/sweeps`,
  sweep: (entity: string, project: string, sweepId: string): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/sweeps/${encodeURIComponent(sweepId)}`,
  alerts: (entity: string, project: string): string => `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/alerts`,
  reports: (entity: string, project: string): string => `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/reports`,
  report: (entity: string, project: string, id: string): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/reports/${encodeURIComponent(id)}`,
  publicReport: (token: string): string => `/public/reports/${encodeURIComponent(token)}`,
  compare: (entity: string, project: string, runIds: string[]): string =>
    `/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/compare?runs=${runIds.map(encodeURIComponent).join(",")}`,
};

/** The run ids of a compare link (`paths.compare`): split on the literal commas of the raw query
 * string and only then decoded, so an id holding a comma (wandb allows one) stays whole. */
export function compareRunIds(rawSearch: string): string[] {
  const match = /(?:^|[?&])runs=([^&]*)/.exec(rawSearch);
  if (!match?.[1]) return [];
  return match[1]
    .split(",")
    .map((id) => decodeSegment(id.replace(/\+/g, " ")))
    .filter((id): id is string => !!id);
}
