/** The toolbar over the workspace's panels: panel search, the charts' x axis, smoothing, how many
 * runs (or groups) the charts draw, the legend's place, "+ Panel", and the layout's save state.
 * Every setting but the layout's lives in the URL. */
import type { XAxis } from "../lib/chartdata";
import type { WorkspaceLayoutState } from "../lib/layoutSync";
import { SMOOTHING_CHOICES } from "../lib/panelSettings";
import type { LegendPlace } from "../lib/runColors";
import type { Smoothing } from "../lib/smoothing";
import { setParams } from "../router";

export function PanelsToolbar(props: {
  panelSearch: string;
  xAxis: XAxis;
  axisKeys: readonly string[];
  smoothing: Smoothing;
  maxRuns: number;
  legend: LegendPlace;
  layout: WorkspaceLayoutState;
  onAddPanel: () => void;
}): React.JSX.Element {
  const { xAxis, smoothing, layout } = props;
  return (
    <div className="panels-toolbar">
      <input placeholder="Search panels" value={props.panelSearch} onChange={(e) => setParams({ panels: e.target.value })} data-testid="panel-search" aria-label="search panels" />
      <label>
        X axis
        <select value={typeof xAxis === "object" ? `m:${xAxis.metric}` : xAxis} onChange={(e) => setParams({ x: e.target.value === "step" ? null : e.target.value })} data-testid="x-axis">
          <option value="step">Step</option>
          <option value="wall">Wall time</option>
          <option value="relative">Relative time</option>
          {props.axisKeys.map((k) => (
            <option key={k} value={`m:${k}`}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        Smoothing
        <select value={smoothing.kind} onChange={(e) => setParams({ smooth: e.target.value === "none" ? null : e.target.value })} data-testid="smoothing">
          {SMOOTHING_CHOICES.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {smoothing.kind !== "none" && (
        <input
          type="number"
          className="num"
          step={smoothing.kind === "ema" ? 0.05 : 1}
          min={0}
          max={smoothing.kind === "ema" ? 0.99 : undefined}
          value={smoothing.param}
          onChange={(e) => setParams({ smooth: `${smoothing.kind}:${e.target.value}` })}
          aria-label="smoothing amount"
        />
      )}
      <label>
        Runs in charts
        <select value={props.maxRuns} onChange={(e) => setParams({ max: e.target.value === "20" ? null : e.target.value })} data-testid="max-runs">
          {[10, 20, 50, 100, 500, 1000].map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <label title="Where each chart shows its legend">
        Legend
        <select value={props.legend} onChange={(e) => setParams({ legend: e.target.value === "bottom" ? null : e.target.value })} data-testid="legend-place">
          <option value="bottom">below</option>
          <option value="right">right</option>
          <option value="hidden">hidden</option>
        </select>
      </label>
      <button onClick={props.onAddPanel} data-testid="add-panel">
        + Panel
      </button>
      {layout.saved && (
        <button className="link" onClick={layout.reset} data-testid="reset-layout" title="Forget your panel changes in this project: the automatic panels come back">
          reset layout
        </button>
      )}
      <span className={`layout-status${layout.saveError ? " error" : ""}`} data-testid="layout-status" data-state={layout.saveState} role={layout.saveError ? "alert" : undefined}>
        {layout.saveError ? `Layout not saved: ${layout.saveError}` : layout.saveState === "saved" ? "" : "saving layout…"}
      </span>
    </div>
  );
}
