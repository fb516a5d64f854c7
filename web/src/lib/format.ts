/** Display formatting shared by tables and pages: durations, times, numbers, config values. */

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function ago(ts: number | null | undefined, now = Date.now() / 1000): string {
  if (!ts) return "–";
  const d = now - ts;
  if (d < 60) return "just now";
  if (d < 3600) return `${Math.floor(d / 60)} min ago`;
  if (d < 86400) return `${Math.floor(d / 3600)} h ago`;
  return new Date(ts * 1000).toLocaleDateString();
}

export function dateTime(ts: number | null | undefined): string {
  return ts ? new Date(ts * 1000).toLocaleString() : "–";
}

export function value(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
  }
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && "_type" in v) return `[${String((v as { _type: unknown })._type)}]`;
  return JSON.stringify(v);
}

/** Flattens nested config/summary dicts to dotted keys, as the history keys are. */
export function flatten(obj: Record<string, unknown> | undefined, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (!obj) return out;
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix + k;
    if (v && typeof v === "object" && !Array.isArray(v) && !("_type" in v)) {
      const keys = Object.keys(v);
      // wandb config entries may be {"value": v, "desc": ...}
      if (keys.includes("value") && keys.every((x) => x === "value" || x === "desc")) out[name] = (v as { value: unknown }).value;
      else flatten(v as Record<string, unknown>, `${name}.`, out);
    } else out[name] = v;
  }
  return out;
}
