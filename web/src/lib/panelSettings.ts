/**
 * Chart settings of a line panel: the workspace's (x axis and smoothing in the URL), overridden by
 * what the panel saved (its own x axis, smoothing, log scale). Settings objects are cached per
 * distinct value so charts see the same object across renders and keep their data.
 */
import { useMemo } from "react";
import type { ChartSettings, PanelRun } from "../components/MetricPanel";
import type { XAxis } from "./chartdata";
import type { LinePanel } from "./layout";
import { DEFAULT_SMOOTHING, type Smoothing, type SmoothingKind } from "./smoothing";
import { defaultAxisFor, type DefaultAxis } from "./stepMetric";

/** `step`, `wall`, `relative` or `m:<metric>` (URL and saved form) to an axis. */
export function parseX(v: string | null | undefined): XAxis {
  if (v === "wall" || v === "relative") return v;
  if (v?.startsWith("m:")) return { metric: v.slice(2) };
  return "step";
}

/** `kind[:param]` (URL form) to a smoothing. */
export function parseSmoothing(v: string | null | undefined): Smoothing {
  const [kind = "none", param] = (v ?? "none").split(":");
  const k = (["none", "ema", "gaussian", "average"].includes(kind) ? kind : "none") as SmoothingKind;
  return { kind: k, param: param !== undefined && param !== "" ? Number(param) : DEFAULT_SMOOTHING[k] };
}

/** The smoothing kinds as the toolbar and the add-panel dialog offer them. */
export const SMOOTHING_CHOICES: [SmoothingKind, string][] = [
  ["none", "none"],
  ["ema", "time-weighted EMA"],
  ["gaussian", "Gaussian"],
  ["average", "running average"],
];

/** System metrics are sampled against time, not steps (their "steps" are millisecond timestamps):
 * they draw against relative time, or wall time when that is the chosen axis, never against Step
 * or a logged metric. */
export function systemAxis(x: XAxis): XAxis {
  return x === "wall" ? "wall" : "relative";
}

export type BaseSettings = Omit<ChartSettings, "stream">;

/** A panel's fixed y ends (the editor's Y min/max), only those it has. */
function yRangeOf(panel: LinePanel): Pick<ChartSettings, "yMin" | "yMax"> {
  return { ...(typeof panel.y_min === "number" ? { yMin: panel.y_min } : {}), ...(typeof panel.y_max === "number" ? { yMax: panel.y_max } : {}) };
}

/** Settings per line panel over the workspace's `base`; the same object for the same values. */
export function lineSettingsFor(base: BaseSettings): (panel: LinePanel) => ChartSettings {
  const cache = new Map<string, ChartSettings>();
  return (panel) => {
    const stream = panel.metrics.every((m) => m.startsWith("system/")) ? "system" : "history";
    const smoothing = panel.smoothing ? { kind: panel.smoothing.kind, param: panel.smoothing.param ?? DEFAULT_SMOOTHING[panel.smoothing.kind] } : null;
    const id = JSON.stringify([stream, panel.x_axis ?? null, smoothing, panel.log_scale, panel.y_min ?? null, panel.y_max ?? null]);
    let s = cache.get(id);
    if (!s) {
      const xAxis = panel.x_axis ? parseX(panel.x_axis) : base.xAxis;
      // Only the default Step may become a metric's step metric (chartAxis): a chosen axis wins.
      const autoStep = stream === "history" && !panel.x_axis && xAxis === "step";
      s = { ...base, stream, logScale: panel.log_scale, xAxis: stream === "system" ? systemAxis(xAxis) : xAxis, autoStep, ...(smoothing ? { smoothing } : {}), ...yRangeOf(panel) };
      cache.set(id, s);
    }
    return s;
  };
}

/** The x axis a chart draws: its settings' axis, or, where that is the default Step, the step
 * metric its runs define for its metrics (lib/stepMetric). The panel and the workspace's prefetch
 * both ask here, so they build the same query. */
export function chartAxis(settings: ChartSettings, runs: readonly PanelRun[], keys: readonly string[]): DefaultAxis {
  if (!settings.autoStep || settings.xAxis !== "step") return { xAxis: settings.xAxis, note: null };
  return defaultAxisFor(
    runs.map((r) => r.definitions),
    keys,
  );
}

export function useLineSettings(base: BaseSettings): (panel: LinePanel) => ChartSettings {
  return useMemo(() => lineSettingsFor(base), [base]);
}
