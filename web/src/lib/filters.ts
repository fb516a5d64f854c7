/**
 * The runs table's filter language: the same MongoDB-style filters `Api().runs(filters=...)` takes
 * (so a filter can be copied between a notebook and the UI), evaluated in the browser over the loaded
 * runs so that filtering 1,000 runs takes a few milliseconds on every keystroke. The server evaluates
 * the same filters in SQL (src/trackwell/store/sql/filters.py); both run the shared cases in
 * tests/cases/run_filters.json, so they select the same runs and refuse the same filters (with the
 * same words). A compact text form (`lr>0.01 state=running`) compiles to the same filter objects.
 * The rules are written down in docs/query-api.md.
 */

import { bad, FilterError, shown } from "./filterErrors";
import { compileRegex } from "./filterRegex";
import { escapeRegex, parseShortForm } from "./quickFilter";

export { escapeRegex, FilterError };

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Filter = { [k: string]: Json };

export interface FilterableRun {
  id: string;
  display_name: string;
  state: string;
  group?: string | null;
  job_type?: string | null;
  tags?: string[];
  notes?: string | null;
  host?: string | null;
  sweep_id?: string | null;
  created_at: number;
  updated_at?: number;
  heartbeat_at?: number | null;
  finished_at?: number | null;
  runtime?: number;
  exit_code?: number | null;
  last_step?: number | null;
  history_count?: number;
  config?: { [k: string]: unknown };
  summary?: { [k: string]: unknown };
}

type ColumnKind = "string" | "number" | "time";
type Predicate = (run: FilterableRun) => boolean;

// API field name (wandb's camelCase spellings included) -> (run property, kind), as the server's
// _COLUMNS in store/sql/filters.py.
const COLUMNS: Record<string, [keyof FilterableRun, ColumnKind]> = {
  state: ["state", "string"],
  display_name: ["display_name", "string"],
  displayName: ["display_name", "string"],
  name: ["display_name", "string"],
  run_id: ["id", "string"],
  id: ["id", "string"],
  group: ["group", "string"],
  job_type: ["job_type", "string"],
  jobType: ["job_type", "string"],
  host: ["host", "string"],
  notes: ["notes", "string"],
  sweep_id: ["sweep_id", "string"],
  sweep: ["sweep_id", "string"],
  created_at: ["created_at", "time"],
  createdAt: ["created_at", "time"],
  updated_at: ["updated_at", "time"],
  updatedAt: ["updated_at", "time"],
  heartbeat_at: ["heartbeat_at", "time"],
  heartbeatAt: ["heartbeat_at", "time"],
  finished_at: ["finished_at", "time"],
  runtime: ["runtime", "number"],
  duration: ["runtime", "number"],
  exit_code: ["exit_code", "number"],
  last_step: ["last_step", "number"],
  history_count: ["history_count", "number"],
};
const JSON_PREFIXES: Record<string, "config" | "summary"> = { config: "config", summary_metrics: "summary", summary: "summary" };
const COMPARISONS = new Set(["$gt", "$gte", "$lt", "$lte"]);
const FIELD_OPERATORS = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$regex", "$exists"];
const LOGICAL_OPERATORS = ["$and", "$or", "$nor"];
const VALID_FIELDS_HINT =
  "valid fields: state, display_name (displayName, name), run_id (id), group, job_type (jobType), tags, notes, host, " +
  "sweep_id (sweep), created_at (createdAt), updated_at, heartbeat_at (heartbeatAt), finished_at, " +
  "runtime (duration), exit_code, last_step, history_count, config.<path>, summary_metrics.<path>";

const isNumber = (v: unknown): v is number => typeof v === "number";

// ISO-8601 as Python's datetime.fromisoformat reads it; no zone means UTC.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function isoSeconds(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone = ""] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(d)) return null;
  let offset = 0;
  if (zone && zone !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60 * (zone[0] === "-" ? -1 : 1);
  }
  return ms / 1000 + Number(`0.${frac || "0"}`) - offset;
}

// --- targets: what a field refers to on a run ---------------------------------------------------

interface Target {
  eq(value: Json): Predicate;
  compare(op: string, value: Json): Predicate;
  regex(re: RegExp): Predicate;
  exists(): Predicate;
}

function cmp(op: string, a: number | string, b: number | string): boolean {
  return op === "$gt" ? a > b : op === "$gte" ? a >= b : op === "$lt" ? a < b : a <= b;
}

function columnTarget(name: string, key: keyof FilterableRun, kind: ColumnKind): Target {
  const get = (r: FilterableRun): unknown => r[key] ?? null;
  const operand = (value: Json): number | string => {
    if (kind === "string" && typeof value === "string") return value;
    if (kind !== "string" && isNumber(value)) return value;
    if (kind === "time" && typeof value === "string") {
      const seconds = isoSeconds(value);
      if (seconds === null) throw bad(`${name}: ${shown(value)} is not a time`, "use epoch seconds or ISO-8601");
      return seconds;
    }
    const expected = { string: "a string", number: "a number", time: "epoch seconds or an ISO-8601 string" }[kind];
    throw bad(`${name} compares with ${expected}, got ${shown(value)}`, "change the value's type");
  };
  return {
    eq(value) {
      if (value === null) return (r) => get(r) === null;
      const v = operand(value);
      return (r) => get(r) === v;
    },
    compare(op, value) {
      const v = operand(value);
      return (r) => {
        const x = get(r);
        return (typeof x === "number" || typeof x === "string") && cmp(op, x, v);
      };
    },
    regex(re) {
      if (kind !== "string") throw bad(`$regex does not apply to ${name}`, "use $gt/$lt for numbers and times");
      return (r) => {
        const x = get(r);
        return typeof x === "string" && re.test(x);
      };
    },
    exists: () => (r) => get(r) !== null,
  };
}

const tagsTarget: Target = {
  eq(value) {
    if (value === null) return (r) => !r.tags?.length;
    if (typeof value !== "string") throw bad(`tags holds strings, got ${shown(value)}`, 'e.g. {"tags": "baseline"} or {"tags": {"$in": [...]}}');
    return (r) => r.tags?.includes(value) ?? false;
  },
  compare(op) {
    throw bad(`${op} does not apply to tags`, "use $in, $nin, $eq, $ne or $regex");
  },
  regex: (re) => (r) => r.tags?.some((t) => re.test(t)) ?? false,
  // A run without tags has no tags (as {"tags": null} says), though the API sends an empty list.
  exists: () => (r) => Boolean(r.tags?.length),
};

const MISSING = Symbol("missing");

/** The value at `keys` in a run's config or summary; MISSING when absent (JSON null is null).
 * Only objects are walked: "layers.0" does not index a list, as on the server. */
function dig(obj: unknown, keys: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of keys) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, key)) return MISSING;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function jsonTarget(name: string, column: "config" | "summary", keys: string[]): Target {
  // wandb clients address config.lr.value where we store config.lr unwrapped: a missing last
  // "value" key means the parent value.
  const fallback = column === "config" && keys.length > 1 && keys[keys.length - 1] === "value";
  const get = (r: FilterableRun): unknown => {
    const v = dig(r[column], keys);
    return v === MISSING && fallback ? dig(r[column], keys.slice(0, -1)) : v;
  };
  return {
    eq(value) {
      if (value === null) return (r) => {
        const v = get(r);
        return v === MISSING || v === null;
      };
      if (typeof value === "object") throw bad(`${name}: cannot compare with ${Array.isArray(value) ? "list" : "dict"} ${shown(value)}`, "compare nested values one by one with a dotted path, e.g. config.optimizer.name");
      return (r) => get(r) === value;
    },
    compare(op, value) {
      if (!isNumber(value) && typeof value !== "string") throw bad(`${name}: ${op} needs a number or a string, got ${shown(value)}`, "change the value");
      return (r) => {
        const v = get(r);
        return typeof v === typeof value && cmp(op, v as number | string, value);
      };
    },
    regex: (re) => (r) => {
      const v = get(r);
      return typeof v === "string" && re.test(v);
    },
    exists: () => (r) => get(r) !== MISSING,
  };
}

function target(name: string): Target {
  const column = COLUMNS[name];
  if (column) return columnTarget(name, column[0], column[1]);
  if (name === "tags") return tagsTarget;
  const dot = name.indexOf(".");
  const prefix = dot < 0 ? name : name.slice(0, dot);
  const path = dot < 0 ? "" : name.slice(dot + 1);
  const json = JSON_PREFIXES[prefix];
  if (json && path) {
    const keys = path.split(".");
    if (keys.some((k) => !k)) throw bad(`field ${shown(name)} has an empty path segment`, "e.g. config.optimizer.lr", name);
    return jsonTarget(name, json, keys);
  }
  throw bad(`unknown filter field ${shown(name)}`, VALID_FIELDS_HINT, name);
}

// --- the document ---------------------------------------------------------------------------------

const isDoc = (v: unknown): v is Filter => v !== null && typeof v === "object" && !Array.isArray(v);
const all = (ps: Predicate[]): Predicate => (r) => ps.every((p) => p(r));
const any = (ps: Predicate[]): Predicate => (r) => ps.some((p) => p(r));
const not = (p: Predicate): Predicate => (r) => !p(r);

function logical(op: string, value: Json): Predicate {
  if (!LOGICAL_OPERATORS.includes(op))
    throw bad(`unknown operator ${shown(op)} at the top level`, `top-level operators: ${LOGICAL_OPERATORS.join(", ")}; field operators: ${FIELD_OPERATORS.join(", ")}`, op);
  if (!Array.isArray(value) || !value.every(isDoc)) throw bad(`${op} needs a list of filter objects`, `e.g. {"${op}": [{"state": "running"}]}`, op);
  const parts = value.map((d) => documentPredicate(d as Filter));
  return op === "$and" ? all(parts) : op === "$or" ? any(parts) : not(any(parts));
}

function listOperand(name: string, op: string, value: Json): Json[] {
  if (!Array.isArray(value)) throw bad(`${name}: ${op} needs a list, got ${shown(value)}`, `e.g. {"${op}": ["a", "b"]}`, name);
  return value;
}

function operator(name: string, t: Target, op: string, value: Json, options: Json | undefined): Predicate {
  if (op === "$eq") return t.eq(value);
  if (op === "$ne") return not(t.eq(value));
  if (COMPARISONS.has(op)) return t.compare(op, value);
  if (op === "$in" || op === "$nin") {
    const matches = any(listOperand(name, op, value).map((v) => t.eq(v)));
    return op === "$in" ? matches : not(matches);
  }
  if (op === "$regex") {
    const re = compileRegex(value, options);
    return t.regex(re);
  }
  if (op === "$exists") {
    if (typeof value !== "boolean") throw bad(`${name}: $exists needs true or false, got ${shown(value)}`, '{"$exists": true}', name);
    return value ? t.exists() : not(t.exists());
  }
  throw bad(`${name}: unknown operator ${shown(op)}`, `valid operators: ${FIELD_OPERATORS.join(", ")}`, name);
}

function fieldPredicate(name: string, condition: Json): Predicate {
  const t = target(name);
  if (!isDoc(condition) || !Object.keys(condition).some((k) => k.startsWith("$"))) return t.eq(condition);
  if (!Object.keys(condition).every((k) => k.startsWith("$"))) throw bad(`${name}: mixes operators and plain keys`, 'use either {"$gt": 1} or a dotted path', name);
  const { $options: options, ...ops } = condition;
  if (options !== undefined && !("$regex" in ops)) throw bad(`${name}: $options without $regex`, "add $regex or drop $options", name);
  return all(Object.entries(ops).map(([op, v]) => operator(name, t, op, v, options)));
}

function documentPredicate(doc: Filter): Predicate {
  return all(Object.entries(doc).map(([key, value]) => (key.startsWith("$") ? logical(key, value) : fieldPredicate(key, value))));
}

/** Compiles a filter once into a predicate; every error surfaces here, not per run. */
export function compileFilter(filter: Filter): Predicate {
  if (!isDoc(filter)) throw bad(`filters must be a JSON object, got ${Array.isArray(filter) ? "list" : typeof filter}`, '{"state": "finished"}');
  return documentPredicate(filter);
}

/** Fields the quick text form knows by name (config/summary keys come from the loaded runs). */
/** The run fields a filter names directly (tests/cases/quick_filters.json lists them for both parsers). */
export const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([...Object.keys(COLUMNS), "tags"]);

/**
 * Compiles the text form into a filter (the grammar is in quickFilter.ts): `field<op>value` terms with
 * = != > >= < <= and ~ (regex), ANDed side by side or with `and`, `or` between them (`and` binds
 * tighter), parentheses; a bare word matches the run name. `knownKeys` lets `lr>0.1` mean `config.lr`
 * (or `summary_metrics.lr`) when the bare name is a config or summary key. Text starting with `{` is
 * a JSON filter.
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
  return parseShortForm(text, (name) => resolveField(name, knownKeys));
}

function resolveField(name: string, known: { config: ReadonlySet<string>; summary: ReadonlySet<string> }): string {
  const head = name.split(".")[0] ?? name;
  if (["config", "summary", "summary_metrics"].includes(head) && name.includes(".")) {
    return head === "summary" ? `summary_metrics${name.slice(head.length)}` : name;
  }
  if (TOP_LEVEL_FIELDS.has(name)) return name;
  if (known.config.has(name)) return `config.${name}`;
  if (known.summary.has(name)) return `summary_metrics.${name}`;
  throw new FilterError(
    `unknown field "${name}": write config.${name} or summary.${name}, or one of state, name, group, job_type, tags`,
    name,
  );
}
