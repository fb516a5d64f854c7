/**
 * The report routes of the server (docs/reports.md, "HTTP API") and the query keys the report pages
 * share. Shapes are schema/reports.py's wire models (generated), so the editor's document is the very
 * document the Python API (`trackwell.reports`) saves and loads.
 */
import { request } from "../api/client";
import type { components } from "../api/generated/schema";

type S = components["schemas"];
export type ReportOut = S["ReportOut"];
export type ReportSummary = S["ReportSummary"];
export type ReportVersionInfo = S["ReportVersionInfo"];
export type ReportDiff = S["ReportDiff"];
export type BlockChange = S["BlockChange"];
export type Block = ReportOut["blocks"][number];
export type BlockType = Block["type"];
export type Span = S["Span"];
export type HeadingBlock = S["HeadingBlock"];
export type ListBlock = S["ListBlock"];
export type ImageBlock = S["ImageBlock"];
export type PanelGridBlock = S["PanelGridBlock"];
export type ReportStatus = ReportOut["status"];

/** What the editor changes and saves: one version's document. */
export interface ReportDocument {
  title: string;
  description: string;
  status: ReportStatus;
  blocks: Block[];
}

const enc = encodeURIComponent;
export const reportsPath = (e: string, p: string): string => `/api/v1/reports/${enc(e)}/${enc(p)}`;
export const reportPath = (e: string, p: string, id: string): string => `${reportsPath(e, p)}/${enc(id)}`;

/** The export helper's downloads (a static HTML page with charts as images, or a PDF). */
/** The export of the version on screen: an old version (`?v=N`) exports as it was, the newest without a number. */
export const exportUrl = (e: string, p: string, id: string, kind: "html" | "pdf", version: number | null = null): string =>
  `${reportPath(e, p, id)}/export.${kind}${version === null ? "" : `?version=${version}`}`;

export const reportKeys = {
  list: (e: string, p: string, search: string) => ["reports", e, p, "list", search] as const,
  report: (e: string, p: string, id: string, version: number | null) => ["reports", e, p, id, "doc", version] as const,
  versions: (e: string, p: string, id: string) => ["reports", e, p, id, "versions"] as const,
  diff: (e: string, p: string, id: string, from: number, to: number) => ["reports", e, p, id, "diff", from, to] as const,
  /** Everything cached about one report: dropped after a save or a restore. */
  all: (e: string, p: string, id: string) => ["reports", e, p, id] as const,
};

export const reportsApi = {
  list: (e: string, p: string, search: string) => {
    const qs = search ? `?${new URLSearchParams({ search }).toString()}` : "";
    return request<{ reports: ReportSummary[] }>("GET", `${reportsPath(e, p)}${qs}`);
  },
  create: (e: string, p: string, doc: ReportDocument) => request<ReportOut>("POST", reportsPath(e, p), doc),
  get: (e: string, p: string, id: string, version: number | null) =>
    request<ReportOut>("GET", `${reportPath(e, p, id)}${version ? `?version=${version}` : ""}`),
  save: (e: string, p: string, id: string, doc: ReportDocument, baseVersion: number) =>
    request<ReportOut>("PUT", reportPath(e, p, id), { ...doc, base_version: baseVersion }),
  remove: (e: string, p: string, id: string) => request<void>("DELETE", reportPath(e, p, id)),
  versions: (e: string, p: string, id: string) => request<{ versions: ReportVersionInfo[] }>("GET", `${reportPath(e, p, id)}/versions`),
  diff: (e: string, p: string, id: string, from: number, to: number) => request<ReportDiff>("GET", `${reportPath(e, p, id)}/diff?from=${from}&to=${to}`),
  restore: (e: string, p: string, id: string, version: number) => request<ReportOut>("POST", `${reportPath(e, p, id)}/versions/${version}/restore`),
};
