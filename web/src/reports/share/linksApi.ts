/** The public links of a report (server: routes/report_links.py, docs/reports.md "Sharing"). */
import { request } from "../../api/client";
import type { components } from "../../api/generated/schema";
import { reportPath, type ReportOut } from "../api";

type S = components["schemas"];
export type ReportLinkOut = S["ReportLinkOut"];
export type ReportLinkCreated = S["ReportLinkCreated"];

const linksPath = (e: string, p: string, id: string): string => `${reportPath(e, p, id)}/links`;

export const linkKeys = {
  list: (e: string, p: string, id: string) => ["reports", e, p, id, "links"] as const,
  /** The report a public link opens, keyed by the token so two links never share a cache entry. */
  linked: (token: string) => ["publicReport", token] as const,
};

export const linksApi = {
  list: (e: string, p: string, id: string) => request<{ links: ReportLinkOut[] }>("GET", linksPath(e, p, id)),
  /** The answer is the only one that carries the token. */
  create: (e: string, p: string, id: string) => request<ReportLinkCreated>("POST", linksPath(e, p, id)),
  revoke: (e: string, p: string, id: string, linkId: number) => request<void>("DELETE", `${linksPath(e, p, id)}/${linkId}`),
  /** On the public page, with the token set on the client (`setReportLink`). */
  linked: () => request<ReportOut>("GET", "/api/v1/report-link"),
};
