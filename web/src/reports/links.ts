/** Addresses of the report pages (router.tsx parses them): a report, one of its versions, its
 * editor or its history. */
import { paths } from "../router";

export interface ReportLinkOptions {
  version?: number | null;
  edit?: boolean;
  history?: boolean;
}

export function reportLink(entity: string, project: string, id: string, opts: ReportLinkOptions = {}): string {
  const sp = new URLSearchParams();
  if (opts.version) sp.set("v", String(opts.version));
  if (opts.edit) sp.set("edit", "1");
  if (opts.history) sp.set("history", "1");
  const qs = sp.toString();
  return paths.report(entity, project, id) + (qs ? `?${qs}` : "");
}
