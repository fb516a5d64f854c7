/**
 * The runs table's filter language: the same MongoDB-style filters `Api().runs(filters=...)` takes
 * (so a filter can be copied between a notebook and the UI), evaluated in the browser over the loaded
 * runs so filtering 10,000 runs stays under 100 ms. A compact text form (`lr>0.01 state=running`)
 * compiles to the same filter objects.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Filter = { [k: string]: Json };

export interface FilterableRun {
  id: string;
  display_name: string;
  state: string;
  group?: string | null;
  job_type?: string | null;
  tags?: string[];
  created_at: number;
  updated_at?: number;
  heartbeat_at?: number | null;
  host?: string | null;
  sweep_id?: string | null;
  notes?: string | null;
  config?: { [k: string]: unknown };
  summary?: { [k: string]: unknown };
}

export class FilterError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "FilterError";
  }
}

const ALIASES: Record<string, string> = {
  displayName: "display_name",
  name: "display_name",
  jobType: "job_type",
  createdAt: "created_at",
  updatedAt: "updated_at",
  heartbeatAt: "heartbeat_at",
  sweep: "sweep_id",
  summary: "summary_metrics",
};

const TOP_LEVEL = new Set([
  "id",
  "state",
  "display_name",
  "group",
  "job_type",
  "tags",
  "created_at",
  "updated_at",
  "heartbeat_at",
  "host",
  "sweep_id",
  "notes",
]);

function dig(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    const rec = cur as Record<string, unknown>;
    // Flattened keys ("a.b" stored as one key) are tried before nesting, as the server does.
    cur = part in rec ? rec[part] : undefined;
  }
  return cur;
}

/** The value a filter field refers to on a run; `undefined` when absent. */
export function fieldValue(run: FilterableRun, field: string): unknown {
  const [head = "", ...rest] = field.split(".");
  const name = ALIASES[head] ?? head;
  if (name === "config") {
    const flat = run.config?.[rest.join(".")];
    return flat !== undefined ? unwrapConfig(flat) : unwrapConfig(dig(run.config, rest));
  }
  if (name === "summary_metrics") {
    const flat = run.summary?.[rest.join(".")];
    return flat !== undefined ? flat : dig(run.summary, rest);
  }
  if (TOP_LEVEL.has(name) && rest.length === 0) return (run as unknown as Record<string, unknown>)[name];
  throw new FilterError(
    `unknown filter field "${field}": use state, display_name, group, job_type, tags, created_at, config.<key> or summary_metrics.<key>`,
    field,
  );
}

// wandb's config files may wrap values as {"value": v, "desc": ...}; filters see the value.
function unwrapConfig(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v) && "value" in v && Object.keys(v).length <= 2) {
    return (v as { value: unknown }).value;
  }
  return v;
}

function cmp(a: unknown, b: unknown): number | null {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function eq(a: unknown, b: unknown): boolean {
  // Arrays match when any element equals (Mongo semantics, used for tags).
  if (Array.isArray(a) && !Array.isArray(b)) return a.some((x) => eq(x, b));
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b) && a !== undefined;
}

function matchOp(value: unknown, op: string, arg: Json, field: string): boolean {
  switch (op) {
    case "$eq":
      return eq(value, arg);
    case "$ne":
      return !eq(value, arg);
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      const c = cmp(value, arg);
      if (c === null) return false;
      return op === "$gt" ? c > 0 : op === "$gte" ? c >= 0 : op === "$lt" ? c < 0 : c <= 0;
    }
    case "$in":
      if (!Array.isArray(arg)) throw new FilterError(`$in on "${field}" needs a list`, field);
      return arg.some((a) => eq(value, a));
    case "$nin":
      if (!Array.isArray(arg)) throw new FilterError(`$nin on "${field}" needs a list`, field);
      return !arg.some((a) => eq(value, a));
    case "$regex": {
      if (typeof arg !== "string") throw new FilterError(`$regex on "${field}" needs a string`, field);
      const re = new RegExp(arg);
      if (Array.isArray(value)) return value.some((v) => typeof v === "string" && re.test(v));
      return typeof value === "string" && re.test(value);
    }
    case "$exists":
      return (value !== undefined && value !== null) === Boolean(arg);
    default:
      throw new FilterError(
        `unknown operator "${op}" on "${field}": use $eq $ne $gt $gte $lt $lte $in $nin $regex $exists`,
        field,
      );
  }
}

/** Compiles a filter once into a predicate (errors surface here, not per run). */
export function compileFilter(filter: Filter): (run: FilterableRun) => boolean {
  const parts: ((run: FilterableRun) => boolean)[] = [];
  for (const [key, arg] of Object.entries(filter)) {
    if (key === "$and" || key === "$or" || key === "$nor") {
      if (!Array.isArray(arg)) throw new FilterError(`${key} needs a list of filters`, key);
      const subs = arg.map((f) => compileFilter(f as Filter));
      if (key === "$and") parts.push((r) => subs.every((s) => s(r)));
      else if (key === "$or") parts.push((r) => subs.some((s) => s(r)));
      else parts.push((r) => !subs.some((s) => s(r)));
      continue;
    }
    if (key.startsWith("$")) throw new FilterError(`unknown operator "${key}" at the top level`, key);
    fieldValue({ id: "", display_name: "", state: "", created_at: 0 }, key); // validates the field name
    if (arg !== null && typeof arg === "object" && !Array.isArray(arg)) {
      const ops = Object.entries(arg);
      for (const [op] of ops) matchOp(undefined, op, op === "$in" || op === "$nin" ? [] : "", key);
      parts.push((r) => {
        const v = fieldValue(r, key);
        return ops.every(([op, a]) => matchOp(v, op, a, key));
      });
    } else {
      parts.push((r) => eq(fieldValue(r, key), arg));
    }
  }
  return (run) => parts.every((p) => p(run));
}

const TEXT_OP = /^([A-Za-z_][\w./-]*)(>=|<=|!=|=|>|<|~)(.*)$/;

function literal(text: string): Json {
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  return text.replace(/^"(.*)"$/, "$1");
}

/**
 * Compiles the text form into a filter. Terms are ANDed: `field<op>value` with = != > >= < <= and
 * ~ (regex); a bare word matches the run name. `knownKeys` lets `lr>0.1` mean `config.lr` (or
 * `summary_metrics.lr`) when the bare name is a config or summary key.
 */
export function parseQuickFilter(
  text: string,
  knownKeys: { config: ReadonlySet<string>; summary: ReadonlySet<string> } = {
    config: new Set(),
    summary: new Set(),
  },
): Filter {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed) as Filter;
    } catch (e) {
      throw new FilterError(`filter JSON does not parse: ${(e as Error).message}`);
    }
  }
  const terms: Filter[] = [];
  for (const token of trimmed.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
    const m = TEXT_OP.exec(token);
    if (!m) {
      terms.push({ display_name: { $regex: escapeRegex(token.replace(/^"(.*)"$/, "$1")) } });
      continue;
    }
    const [, rawField = "", op = "", rawValue = ""] = m;
    const field = resolveField(rawField, knownKeys);
    const value = literal(rawValue);
    const mongo: Record<string, string> = { "=": "$eq", "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "~": "$regex" };
    terms.push({ [field]: { [mongo[op] ?? "$eq"]: op === "~" ? String(rawValue) : value } });
  }
  return terms.length === 1 ? (terms[0] as Filter) : { $and: terms };
}

function resolveField(name: string, known: { config: ReadonlySet<string>; summary: ReadonlySet<string> }): string {
  const head = name.split(".")[0] ?? name;
  if (["config", "summary", "summary_metrics"].includes(head) && name.includes(".")) {
    return head === "summary" ? `summary_metrics${name.slice(head.length)}` : name;
  }
  const alias = ALIASES[name] ?? name;
  if (TOP_LEVEL.has(alias)) return alias;
  if (known.config.has(name)) return `config.${name}`;
  if (known.summary.has(name)) return `summary_metrics.${name}`;
  throw new FilterError(
    `unknown field "${name}": write config.${name} or summary.${name}, or one of state, name, group, job_type, tags`,
    name,
  );
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
