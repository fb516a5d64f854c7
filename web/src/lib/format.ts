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

/** A config, summary or cell value as text; numbers through formatNumber. */
export function value(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && "_type" in v) return `[${String((v as { _type: unknown })._type)}]`;
  return JSON.stringify(v);
}

const SI = ["", "k", "M", "G", "T", "P", "E"];

/**
 * The one way numbers are written in the runs table, chart tooltips and chart axes: `digits`
 * significant digits without trailing zeros; from 10,000 up an SI suffix (`12.35k`, `1.5M`); below
 * 0.001 a short exponent (`3e-4`, `1.235e-5`), so a learning rate never reads `3.000e-4` next to a
 * loss of `0.03`. Integers under 10,000 stay exact.
 */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return "–";
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  if (v === 0) return "0";
  const sign = v < 0 ? "-" : "";
  let a = Math.abs(v);
  if (a < 1e4 && Number.isInteger(a)) return sign + String(a);
  a = Number(a.toPrecision(digits)); // rounded first: 9999.7 is "10k", not "1e+4"
  if (a < 1e-3) return sign + a.toExponential(digits - 1).replace(/\.?0+e/, "e").replace("e+", "e");
  if (a < 1e4) return sign + String(a);
  let tier = Math.min(Math.floor(Math.log10(a) / 3), SI.length - 1);
  let scaled = Number((a / 10 ** (3 * tier)).toPrecision(digits));
  if (scaled >= 1000 && tier < SI.length - 1) {
    tier += 1;
    scaled = Number((a / 10 ** (3 * tier)).toPrecision(digits));
  }
  if (scaled >= 1000) return sign + a.toExponential(digits - 1).replace(/\.?0+e/, "e").replace("e+", "e");
  return sign + String(scaled) + SI[tier];
}

export type TimeUnit = { unit: "s" | "min" | "h"; seconds: number };

/** The unit a span of `seconds` reads best in: seconds up to 2 minutes, minutes up to 2 hours, then
 * hours (a relative-time axis and its title). */
export function timeUnit(seconds: number): TimeUnit {
  const s = Math.abs(seconds);
  if (!(s >= 120)) return { unit: "s", seconds: 1 };
  if (s < 7200) return { unit: "min", seconds: 60 };
  return { unit: "h", seconds: 3600 };
}

/** A relative time (seconds since the run started) in `unit`: `90 s`, `1.5 min`. */
export function formatRelative(seconds: number, unit: TimeUnit = timeUnit(seconds)): string {
  return `${formatNumber(seconds / unit.seconds)} ${unit.unit}`;
}

/** The unit of a system metric by its name (`system/memory_used_mb` is MB), or null. */
export function metricUnit(key: string): string | null {
  if (/_percent$|_pct$|\.percent$|utilization|util$/i.test(key)) return "%";
  if (/_mb$/i.test(key)) return "MB";
  if (/_gb$/i.test(key)) return "GB";
  if (/_bytes$/i.test(key)) return "bytes";
  if (/_watts?$|power_?w$/i.test(key)) return "W";
  if (/temp(erature)?(_c)?$/i.test(key)) return "°C";
  return null;
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

/** A name shortened in its middle, where run names differ least (`lr-0.001-bs-64-seed-3`: its
 * start and its seed both matter); the legend's entries. */
export function shortName(name: string, max = 26): string {
  if (name.length <= max) return name;
  const tail = Math.floor((max - 1) / 2.5);
  return `${name.slice(0, max - 1 - tail)}…${name.slice(name.length - tail)}`;
}
