/**
 * The thin typed fetch wrapper over the server's API. Types come from `generated/schema.d.ts`
 * (generated from the server's OpenAPI spec; `npm run check` fails when it is stale). The browser
 * authenticates with the HttpOnly session cookie; unsafe requests carry the CSRF token the session
 * endpoint returned.
 */
import type { components } from "./generated/schema";

type S = components["schemas"];
export type RunOut = S["RunOut"];
export type ProjectOut = S["ProjectOut"];
export type SessionInfo = S["SessionInfo"];
export type HistoryKeys = S["HistoryKeys"];
export type HistoryKey = S["HistoryKey"];
export type ProjectHistoryKeys = S["ProjectHistoryKeys"];
export type Series = S["Series"];
export type SeriesQueryRequest = S["SeriesQueryRequest"];
export type SeriesQueryResponse = S["SeriesQueryResponse"];
export type RunSeries = S["RunSeries"];
export type GroupSeriesRequest = S["GroupSeriesRequest"];
export type GroupSeriesResponse = S["GroupSeriesResponse"];
export type GroupSummaryRequest = S["GroupSummaryRequest"];
export type GroupSummaryResponse = S["GroupSummaryResponse"];
export type RunFile = S["RunFile"];
export type RunUpdate = S["RunUpdate"];
export type HistoryRows = S["HistoryRows"];
export type AlertOut = S["AlertOut"];
export interface ErrorDetail {
  code: string;
  message: string;
  field?: string | null;
  hint?: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string | null,
    readonly hint?: string | null,
  ) {
    super(hint ? `${message} (${hint})` : message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

let reportLink: string | null = null;

/** The public report page (reports/share/PublicReport.tsx) presents its link's token on every API
 * call, as `X-Trackwell-Report-Link`: the server then answers as that link's read-only caller. */
export function setReportLink(token: string | null): void {
  reportLink = token;
}

/** Called when any request answers 401 (the session expired): the app shows the sign-in page. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (reportLink) headers["X-Trackwell-Report-Link"] = reportLink;
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as { error?: ErrorDetail } | null)?.error;
    if (res.status === 401 && path !== "/api/v1/session") onUnauthorized?.();
    throw new ApiError(res.status, err?.code ?? "error", err?.message ?? `HTTP ${res.status}`, err?.field, err?.hint);
  }
  return data as T;
}

const q = (params: Record<string, string | number | null | undefined>): string => {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : "";
};

const runPath = (entity: string, project: string, runId: string): string =>
  `/api/v1/runs/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/${encodeURIComponent(runId)}`;

/** Non-finite numbers travel as "NaN"/"Infinity"/"-Infinity" strings; charts want numbers. */
export function num(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  return null;
}

export const api = {
  session: () => request<SessionInfo>("GET", "/api/v1/session"),
  signIn: (apiKey: string) => request<SessionInfo>("POST", "/api/v1/session", { api_key: apiKey }),
  signOut: () => request<void>("DELETE", "/api/v1/session"),
  projects: (search?: string) =>
    request<{ projects: ProjectOut[] }>("GET", `/api/v1/projects${q({ search })}`),
  async allRuns(entity: string, project: string, archived = false): Promise<RunOut[]> {
    // Pages of 1,000; the first says how many there are and the rest are asked for together, so a
    // 10,000-run project loads in about two requests' time. Without each run's context (git, host,
    // environment), which only the run page shows. Archived runs only when asked for.
    const filters = archived ? JSON.stringify({ archived: { $in: [true, false] } }) : undefined;
    const page = (offset: number) =>
      request<{ runs: RunOut[]; total: number }>(
        "GET",
        `/api/v1/runs/${encodeURIComponent(entity)}/${encodeURIComponent(project)}${q({ order: "-created_at", limit: RUNS_PAGE, offset, metadata: "false", filters })}`,
      );
    const first = await page(0);
    const offsets: number[] = [];
    for (let offset = RUNS_PAGE; offset < first.total && first.runs.length === RUNS_PAGE; offset += RUNS_PAGE) offsets.push(offset);
    const rest = await Promise.all(offsets.map(page));
    // Runs created while the pages load shift the offsets: keep each run once.
    const seen = new Set<string>();
    const runs: RunOut[] = [];
    for (const run of [first, ...rest].flatMap((p) => p.runs)) {
      if (seen.has(run.id)) continue;
      seen.add(run.id);
      runs.push(run);
    }
    return runs;
  },
  run: (e: string, p: string, r: string) => request<RunOut>("GET", runPath(e, p, r)),
  updateRun: (e: string, p: string, r: string, body: RunUpdate) => request<RunOut>("PATCH", runPath(e, p, r), body),
  /** Every key the project's runs logged (number or other) and how many runs logged it. */
  projectHistoryKeys: (e: string, p: string, stream = "history") =>
    request<ProjectHistoryKeys>("GET", `/api/v1/projects/${encodeURIComponent(e)}/${encodeURIComponent(p)}/history-keys${q({ stream })}`),
  historyKeys: (e: string, p: string, r: string, stream = "history") =>
    request<HistoryKeys>("GET", `${runPath(e, p, r)}/history/keys${q({ stream })}`),
  seriesQuery: (body: SeriesQueryRequest) =>
    chartSlot(body.runs.length > HEAVY_CHART_RUNS ? 2 : 1, () => request<SeriesQueryResponse>("POST", "/api/v1/series/query", body)),
  /** A grouped chart's statistics over every run the filter selects; it reads every run, so it
   * counts as a heavy chart. */
  groupSeries: (e: string, p: string, body: GroupSeriesRequest) =>
    chartSlot(2, () => request<GroupSeriesResponse>("POST", `/api/v1/projects/${encodeURIComponent(e)}/${encodeURIComponent(p)}/group-series`, body)),
  /** Grouped bar and scatter panels: per group, statistics of a summary or config number over every
   * run the filter selects (no history is read: a light request). */
  groupSummary: (e: string, p: string, body: GroupSummaryRequest) =>
    request<GroupSummaryResponse>("POST", `/api/v1/projects/${encodeURIComponent(e)}/${encodeURIComponent(p)}/group-summary`, body),
  /** Full-resolution history rows holding any of `keys`, up to `max` rows. A page covers a range of
   * steps, so a page of a sparse key (an image every 1,000 steps) can be empty with more to come:
   * only a null cursor ends the scan. */
  async historyRows(e: string, p: string, r: string, keys: string[], max = 10000, range: { min?: number | null; max?: number | null } = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let min: number | null = range.min ?? null;
    for (let pages = 0; pages < 500; pages++) {
      const page: HistoryRows = await request<HistoryRows>(
        "GET",
        `${runPath(e, p, r)}/history/rows${q({ keys: keys.join(","), min_step: min, max_step: range.max ?? null, limit: 10000 })}`,
      );
      out.push(...page.rows);
      if (page.next_min_step === null || page.next_min_step === undefined || out.length >= max) break;
      min = page.next_min_step;
    }
    return out;
  },
  /** A run file parsed as JSON (logged tables). */
  fileJson: (e: string, p: string, r: string, path: string) => request<unknown>("GET", `${runPath(e, p, r)}/files/${path.split("/").map(encodeURIComponent).join("/")}`),
  files: (e: string, p: string, r: string) => request<{ files: RunFile[] }>("GET", `${runPath(e, p, r)}/files`),
  // An <img> or <audio> cannot send the link's header: on the public page the token rides in the query
  // (the server reads it on GET requests only and redacts it from its access log).
  fileUrl: (e: string, p: string, r: string, path: string) =>
    `${runPath(e, p, r)}/files/${path.split("/").map(encodeURIComponent).join("/")}${reportLink ? `?report_link=${encodeURIComponent(reportLink)}` : ""}`,
  /** The alerts the run raised (`run.alert`), oldest first. */
  alerts: (e: string, p: string, r: string) => request<{ alerts: AlertOut[] }>("GET", `${runPath(e, p, r)}/alerts`),
  output: (e: string, p: string, r: string, offset = 0, limit = 5000) =>
    request<{ lines: { line: number; stream: string; text: string }[]; total: number }>(
      "GET",
      `${runPath(e, p, r)}/output${q({ offset, limit })}`,
    ),
};

/** At most this much chart work in flight. Requests compete for the server's CPU, so firing twenty
 * at once made the first chart arrive with the last; charts ask in mount order (top of the page
 * first). A small chart (a few runs) counts 1 and two go together, hiding each other's latency; a
 * chart of hundreds of runs takes the server most of a second and counts 2, so the first chart is
 * not slowed down by the second. */
const CHART_CAPACITY = 2;
const HEAVY_CHART_RUNS = 200;
const RUNS_PAGE = 1000;
let chartsInFlight = 0;
const chartQueue: { weight: number; go: () => void }[] = [];

async function chartSlot<T>(weight: number, fetch: () => Promise<T>): Promise<T> {
  if (chartsInFlight + weight > CHART_CAPACITY || chartQueue.length > 0) {
    // Woken by startWaitingCharts with its weight already counted.
    await new Promise<void>((go) => chartQueue.push({ weight, go }));
  } else {
    chartsInFlight += weight;
  }
  try {
    return await fetch();
  } finally {
    chartsInFlight -= weight;
    startWaitingCharts();
  }
}

/** Starts waiting charts in order while they fit. */
function startWaitingCharts(): void {
  for (let next = chartQueue[0]; next && chartsInFlight + next.weight <= CHART_CAPACITY; next = chartQueue[0]) {
    chartQueue.shift();
    chartsInFlight += next.weight;
    next.go();
  }
}
