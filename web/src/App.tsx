/** The shell: session check, header (theme, sign-out, keyboard shortcuts) and the page for the URL.
 * Nothing renders without a session; the sign-in page is the only thing an anonymous visitor sees. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, ApiError, setCsrfToken, setUnauthorizedHandler, type SessionInfo } from "./api/client";
import { ArtifactsRoute, isArtifactRoute } from "./artifacts/ArtifactsRoute";
import { Inbox } from "./comments/Inbox";
import { InboxBadge } from "./comments/InboxBadge";
import { usePersisted } from "./lib/storage";
import { useEscape } from "./lib/useEscape";
import { Admin } from "./pages/Admin";
import { Compare } from "./pages/Compare";
import { Projects } from "./pages/Projects";
import { RunPage } from "./pages/RunPage";
import { Settings } from "./pages/Settings";
import { InviteAccept } from "./pages/InviteAccept";
import { SignIn } from "./pages/SignIn";
import { Workspace } from "./pages/Workspace";
import { isReportRoute, ReportsRoute } from "./reports/ReportsRoute";
import { PublicReport } from "./reports/share/PublicReport";
import { Link, navigate, parseRoute, paths, useLocation } from "./router";
import { isSweepRoute, SweepsRoute } from "./sweeps/SweepsRoute";
import { AlertsPage } from "./alerts/AlertsPage";

const SHORTCUTS: [string, string][] = [
  ["/", "focus the filter or search box"],
  ["t", "toggle light / dark theme"],
  ["g p", "go to projects"],
  ["?", "show this help"],
];

export function App(): React.JSX.Element {
  const qc = useQueryClient();
  const { pathname, search } = useLocation();
  const route = parseRoute(pathname, search);
  const [theme, setTheme] = usePersisted<"light" | "dark">("tw:theme", window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  const [help, setHelp] = useState(false);
  const session = useQuery({
    queryKey: ["session"],
    queryFn: async (): Promise<SessionInfo | null> => {
      try {
        return await api.session();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
  useEffect(() => setCsrfToken(session.data?.csrf_token ?? null), [session.data]);
  useEffect(() => {
    setUnauthorizedHandler(() => qc.setQueryData(["session"], null));
    return () => setUnauthorizedHandler(null);
  }, [qc]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEscape(help, () => setHelp(false));
  useEffect(() => {
    let lastG = 0;
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement;
      // Typing in any field, the report editor's rich text (contenteditable) included, is text.
      if (t.closest("input, textarea, select") || t.isContentEditable || e.metaKey || e.ctrlKey || e.altKey) {
        if (e.key === "Escape") t.blur();
        return;
      }
      if (e.key === "/") {
        const el = document.getElementById("run-filter");
        if (el) {
          e.preventDefault();
          el.focus();
        }
      } else if (e.key === "t") setTheme(theme === "dark" ? "light" : "dark");
      else if (e.key === "?") setHelp((h) => !h);
      else if (e.key === "g") lastG = Date.now();
      else if (e.key === "p" && Date.now() - lastG < 1000) navigate(paths.projects());
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [theme, setTheme]);

  // Another user's cached data must not show after a switch; the session query itself stays
  // (clearing it would detach this component's observer from the new session).
  const dropUserData = (): void => qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
  // Anyone holding a public link reads the report: no session needed, and no sign-in page.
  if (route.page === "publicReport") return <PublicReport token={route.token} />;
  if (session.isPending) return <div className="loading">Loading…</div>;
  if (session.isError) return <div className="loading">Cannot reach the Trackwell server: {(session.error as Error).message}</div>;
  const me = session.data;
  const signedIn = (s: SessionInfo): void => {
    setCsrfToken(s.csrf_token);
    dropUserData();
    qc.setQueryData(["session"], s);
  };
  if (route.page === "invite") {
    // Open signed in or not: accepting may create the account (pages/InviteAccept.tsx).
    return (
      <InviteAccept
        me={me ?? null}
        onSignedIn={signedIn}
        onJoined={(s) => {
          signedIn(s);
          navigate(paths.settings(), { replace: true });
        }}
      />
    );
  }
  if (!me) {
    return (
      <SignIn
        onSignedIn={(s) => {
          signedIn(s);
          if (route.page === "signin") navigate(paths.projects(), { replace: true });
        }}
      />
    );
  }
  const signOut = async (): Promise<void> => {
    try {
      await api.signOut();
    } finally {
      setCsrfToken(null);
      dropUserData();
      qc.setQueryData(["session"], null);
    }
  };
  return (
    <div className="app">
      <header className="topbar">
        <Link to={paths.projects()} className="brand">
          ◆ Trackwell
        </Link>
        <span className="spacer" />
        <button className="icon" onClick={() => setHelp(!help)} title="Keyboard shortcuts (?)" aria-label="keyboard shortcuts">
          ?
        </button>
        <button className="icon" onClick={() => setTheme(theme === "dark" ? "light" : "dark")} title="Toggle theme (t)" aria-label="toggle theme" data-testid="theme">
          {theme === "dark" ? "☀" : "☾"}
        </button>
        <InboxBadge />
        {me.is_admin && (
          <Link to={paths.admin("users")} className="nav" data-testid="admin-link">
            Admin
          </Link>
        )}
        <Link to={paths.settings()} className="nav user" data-testid="user" title="Settings: API keys, teams">
          {me.username}
        </Link>
        <button onClick={() => void signOut()} data-testid="sign-out">
          Sign out
        </button>
      </header>
      {help && (
        <div className="help" onClick={() => setHelp(false)}>
          <h3>Keyboard shortcuts</h3>
          {SHORTCUTS.map(([k, d]) => (
            <div key={k}>
              <kbd>{k}</kbd> {d}
            </div>
          ))}
        </div>
      )}
      <main>
        {route.page === "projects" || route.page === "signin" ? (
          <Projects />
        ) : route.page === "workspace" ? (
          <Workspace key={`${route.entity}/${route.project}`} entity={route.entity} project={route.project} user={me.username} />
        ) : route.page === "settings" ? (
          <Settings />
        ) : route.page === "inbox" ? (
          <Inbox />
        ) : route.page === "admin" ? (
          <Admin tab={route.tab} team={route.team} isAdmin={me.is_admin ?? false} />
        ) : route.page === "run" ? (
          <RunPage entity={route.entity} project={route.project} runId={route.runId} tab={route.tab} />
        ) : route.page === "compare" ? (
          <Compare entity={route.entity} project={route.project} user={me.username} />
        ) : isArtifactRoute(route) ? (
          <ArtifactsRoute route={route} />
        ) : isSweepRoute(route) ? (
          <SweepsRoute route={route} />
        ) : isReportRoute(route) ? (
          <ReportsRoute route={route} />
        ) : route.page === "alerts" ? (
          <AlertsPage key={`${route.entity}/${route.project}`} entity={route.entity} project={route.project} />
        ) : (
          <div className="page">
            <h1>Page not found</h1>
            <Link to={paths.projects()}>Go to projects</Link>
          </div>
        )}
      </main>
    </div>
  );
}
