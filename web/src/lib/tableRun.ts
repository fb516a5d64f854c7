/** A run as the runs table holds it (its config and summary flattened once) and the value of any
 * column of it: the one rule the table, its sort, grouping and the charts' order read. */
import type { RunOut } from "../api/client";

export interface TableRun {
  run: RunOut;
  key: string;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

export function columnValue(r: TableRun, id: string): unknown {
  if (id.startsWith("c:")) return r.config[id.slice(2)];
  if (id.startsWith("s:")) return r.summary[id.slice(2)];
  switch (id) {
    case "name":
      return r.run.display_name;
    case "state":
      return r.run.state;
    case "created":
      return r.run.created_at;
    case "runtime":
      return r.run.runtime;
    case "group":
      return r.run.group;
    case "job_type":
      return r.run.job_type;
    case "tags":
      return (r.run.tags ?? []).join(", ");
    case "notes":
      return r.run.notes;
    default:
      return undefined;
  }
}
