/**
 * A sweep config as YAML, for reading (and copying into a `trackwell sweep config.yaml`): block
 * mappings, lists of plain values inline (`values: [32, 64, 128]`, as sweep configs are written),
 * strings quoted only where YAML would read them as something else.
 */

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./ -]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

export function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return ".nan";
    if (!Number.isFinite(v)) return v > 0 ? ".inf" : "-.inf";
    const s = String(v);
    // YAML 1.1 readers (PyYAML) take "1e-05" as a string: a float needs its dot ("1.0e-05").
    return /e/.test(s) && !s.includes(".") ? s.replace(/^(-?\d+)e/, "$1.0e") : s;
  }
  const s = String(v);
  if (s !== "" && PLAIN.test(s) && !RESERVED.test(s) && s === s.trim() && !s.includes(" #")) return s;
  return JSON.stringify(s);
}

const isPlainList = (v: unknown[]): boolean => v.every((x) => x === null || typeof x !== "object");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function key(k: string): string {
  return PLAIN.test(k) && !RESERVED.test(k) && k === k.trim() ? k : JSON.stringify(k);
}

function lines(v: unknown, indent: string, out: string[]): void {
  if (isObject(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (isObject(item) && Object.keys(item).length > 0) {
        out.push(`${indent}${key(k)}:`);
        lines(item, `${indent}  `, out);
      } else if (Array.isArray(item) && !isPlainList(item)) {
        out.push(`${indent}${key(k)}:`);
        lines(item, `${indent}  `, out);
      } else out.push(`${indent}${key(k)}: ${inline(item)}`);
    }
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isObject(item) && Object.keys(item).length > 0) {
        const nested: string[] = [];
        lines(item, `${indent}  `, nested);
        out.push(`${indent}- ${(nested[0] ?? "").trimStart()}`, ...nested.slice(1));
      } else out.push(`${indent}- ${inline(item)}`);
    }
    return;
  }
  out.push(`${indent}${yamlScalar(v)}`);
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (isObject(v)) return Object.keys(v).length ? `{${Object.entries(v).map(([k, x]) => `${key(k)}: ${inline(x)}`).join(", ")}}` : "{}";
  return yamlScalar(v);
}

/** The config as a YAML document; W&B's keys first in their usual order, the rest as given. */
export function toYaml(config: Record<string, unknown>): string {
  const order = ["program", "name", "description", "method", "metric", "run_cap", "early_terminate", "parameters", "command"];
  const sorted: Record<string, unknown> = {};
  for (const k of order) if (k in config) sorted[k] = config[k];
  for (const [k, v] of Object.entries(config)) if (!(k in sorted)) sorted[k] = v;
  const out: string[] = [];
  lines(sorted, "", out);
  return `${out.join("\n")}\n`;
}
