/**
 * "+ Panel": a line chart of chosen metrics against a chosen x axis, a bar chart of a summary metric
 * across the visible runs, a scatter of any two summary/config values, parallel coordinates of
 * chosen config/summary fields, or the parameter importance of config keys for a summary metric.
 */
import { useEffect, useRef, useState } from "react";
import { DEFAULT_SIZE, newPanelId, type PanelSpec } from "../lib/layout";
import { sectionOf } from "../lib/panels";
import { SmoothingOptions, XAxisOptions } from "./ChartChoices";
import { MultiSelect } from "./MultiSelect";
import { buildPanelType, initialDraft, isPanelTypeKind, PANEL_TYPE_KINDS, PANEL_TYPE_LABEL, PanelTypeFields, panelTypeProblem, type PanelTypeChoices } from "./panelTypes/AddPanelFields";
import "./panels.css";

type Kind = PanelSpec["type"];

export interface PanelChoices {
  /** Numeric history metrics (line charts). */
  metrics: string[];
  /** Metrics a line chart can use as its x axis (`epoch`, `global_step`, ...). */
  axes: string[];
  /** Numeric summary keys (bar charts). */
  summaryNumeric: string[];
  /** `summary.<key>` and `config.<key>` fields (scatter axes). */
  fields: string[];
  /** Every config key (flattened), numeric or not (parallel coordinates, importance). */
  configKeys: string[];
  sections: string[];
  /** The visible runs (run comparer, scalar) and media keys (media panel): components/panelTypes. */
  runs?: PanelTypeChoices["runs"];
  mediaKeys?: PanelTypeChoices["mediaKeys"];
  artifacts?: PanelTypeChoices["artifacts"];
  /** Every panel goes into this one section (a report's grid): no section to choose. */
  fixedSection?: string;
}

const NEW_SECTION = "\u0000new";

export function AddPanelDialog({ choices, onAdd, onClose }: { choices: PanelChoices; onAdd: (panel: PanelSpec) => void; onClose: () => void }): React.JSX.Element {
  // The line chart first, as in W&B: it is the panel added most.
  const [kind, setKind] = useState<Kind>("line");
  const [metrics, setMetrics] = useState<string[]>(choices.metrics.slice(0, 1));
  const [xAxis, setXAxis] = useState("");
  const [smoothing, setSmoothing] = useState<"" | "none" | "ema" | "gaussian" | "average">("");
  const [barMetric, setBarMetric] = useState(choices.summaryNumeric[0] ?? "");
  const [sort, setSort] = useState<"desc" | "asc" | "none">("desc");
  const [sx, setSx] = useState(choices.fields.find((f) => f.startsWith("config.")) ?? choices.fields[0] ?? "");
  const [sy, setSy] = useState(choices.fields.find((f) => f.startsWith("summary.")) ?? choices.fields[1] ?? "");
  const [section, setSection] = useState<string>("");
  const [newSection, setNewSection] = useState("");
  const [title, setTitle] = useState("");
  const axisChoices = [...choices.configKeys.map((k) => `config.${k}`), ...choices.summaryNumeric.map((k) => `summary.${k}`)];
  const [pcAxes, setPcAxes] = useState<string[]>(() => [...choices.configKeys.slice(0, 5).map((k) => `config.${k}`), ...choices.summaryNumeric.slice(0, 1).map((k) => `summary.${k}`)]);
  const [pcColor, setPcColor] = useState("");
  const [impParams, setImpParams] = useState<string[]>([]);
  const first = useRef<HTMLButtonElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    first.current?.focus();
    const esc = (e: KeyboardEvent): void => {
      if (e.key === "Escape") close.current();
    };
    document.addEventListener("keydown", esc);
    return () => document.removeEventListener("keydown", esc);
  }, []);

  const defaultSection = kind === "line" && metrics[0] ? sectionOf(metrics[0]) : "Charts";
  const chosenSection = choices.fixedSection ?? (section === NEW_SECTION ? newSection.trim() : section || defaultSection);
  const [extra, setExtra] = useState(() => initialDraft(choices));
  const problem =
    (isPanelTypeKind(kind) ? panelTypeProblem(kind, extra) : null) ??
    (kind === "line" && metrics.length === 0
      ? "Pick at least one metric."
      : kind === "line" && metrics.length > 10
        ? "Pick at most 10 metrics."
        : kind === "bar" && !barMetric
          ? "This project has no numeric summary metric yet."
          : kind === "scatter" && (!sx || !sy)
            ? "Pick an x and a y value."
            : kind === "parallel" && (pcAxes.length < 2 || pcAxes.length > 20)
              ? "Pick between 2 and 20 axes."
              : kind === "importance" && (!barMetric || choices.configKeys.length === 0)
                ? "Importance needs a numeric summary metric and config keys."
            : !chosenSection
              ? "Name the new section."
              : null);

  const build = (): PanelSpec => {
    // Parallel coordinates need the row's width to separate their axes; importance, half of it.
    const size = kind === "parallel" ? { ...DEFAULT_SIZE, width: "full" as const } : kind === "importance" ? { ...DEFAULT_SIZE, width: "half" as const } : DEFAULT_SIZE;
    const common = { id: newPanelId(kind), section: chosenSection, size, title: title.trim() || null };
    if (isPanelTypeKind(kind)) return buildPanelType(kind, common, extra);
    if (kind === "line") return { ...common, type: "line", metrics, x_axis: xAxis || null, smoothing: smoothing ? { kind: smoothing } : null, log_scale: false, auto: false };
    if (kind === "bar") return { ...common, type: "bar", metric: barMetric, sort };
    if (kind === "parallel") return { ...common, type: "parallel", axes: pcAxes, color: pcColor && pcAxes.includes(pcColor) ? pcColor : null, log_axes: [] };
    if (kind === "importance") return { ...common, type: "importance", metric: barMetric, params: impParams.length ? impParams : null };
    return { ...common, type: "scatter", x: sx, y: sy, log_x: false, log_y: false };
  };
  const fieldOptions = choices.fields.map((f) => (
    <option key={f} value={f}>
      {f}
    </option>
  ));
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="add-panel-title" data-testid="add-panel-dialog">
        <h2 id="add-panel-title">Add a panel</h2>
        <div className="panel-kinds" role="radiogroup" aria-label="panel type">
          {([...(["line", "bar", "scatter", "parallel", "importance"] as const), ...PANEL_TYPE_KINDS] as const).map((k, i) => (
            <button key={k} ref={i === 0 ? first : undefined} role="radio" aria-checked={kind === k} className={`chip${kind === k ? " on" : ""}`} onClick={() => setKind(k)}>
              {isPanelTypeKind(k) ? PANEL_TYPE_LABEL[k] : k === "line" ? "Line chart" : k === "bar" ? "Bar chart" : k === "scatter" ? "Scatter" : k === "parallel" ? "Parallel coordinates" : "Parameter importance"}
            </button>
          ))}
        </div>
        {isPanelTypeKind(kind) && <PanelTypeFields kind={kind} draft={extra} onChange={setExtra} choices={choices} />}
        {kind === "line" && (
          <>
            <div className="field">
              Metrics (up to 10; search, or pick all a regex such as train/.* matches)
              <MultiSelect label="metrics" options={choices.metrics} value={metrics} onChange={setMetrics} max={10} />
            </div>
            <label className="field">
              X axis
              <select value={xAxis} onChange={(e) => setXAxis(e.target.value)} aria-label="x axis">
                <XAxisOptions axes={choices.axes} />
              </select>
            </label>
            <label className="field">
              Smoothing
              <select value={smoothing} onChange={(e) => setSmoothing(e.target.value as typeof smoothing)} aria-label="smoothing">
                <SmoothingOptions />
              </select>
            </label>
          </>
        )}
        {kind === "bar" && (
          <>
            <label className="field">
              Summary metric (one bar per visible run)
              <select value={barMetric} onChange={(e) => setBarMetric(e.target.value)} aria-label="summary metric">
                {choices.summaryNumeric.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            <label className="field">
              Order
              <select value={sort} onChange={(e) => setSort(e.target.value as typeof sort)} aria-label="order">
                <option value="desc">largest first</option>
                <option value="asc">smallest first</option>
                <option value="none">as in the runs table</option>
              </select>
            </label>
          </>
        )}
        {kind === "scatter" && (
          <>
            <label className="field">
              X
              <select value={sx} onChange={(e) => setSx(e.target.value)} aria-label="scatter x">
                {fieldOptions}
              </select>
            </label>
            <label className="field">
              Y
              <select value={sy} onChange={(e) => setSy(e.target.value)} aria-label="scatter y">
                {fieldOptions}
              </select>
            </label>
          </>
        )}
        {kind === "parallel" && (
          <>
            <label className="field">
              Axes, left to right (Ctrl/⌘-click to pick several)
              <select multiple value={pcAxes} onChange={(e) => setPcAxes([...e.target.selectedOptions].map((o) => o.value))} aria-label="axes" size={Math.min(10, Math.max(4, axisChoices.length))}>
                {axisChoices.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
            <label className="field">
              Colour lines by
              <select value={pcColor} onChange={(e) => setPcColor(e.target.value)} aria-label="colour by">
                <option value="">the last axis</option>
                {pcAxes.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
          </>
        )}
        {kind === "importance" && (
          <>
            <label className="field">
              Metric (a summary value)
              <select value={barMetric} onChange={(e) => setBarMetric(e.target.value)} aria-label="importance metric">
                {choices.summaryNumeric.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            <label className="field">
              Config parameters (none picked: all of them)
              <select multiple value={impParams} onChange={(e) => setImpParams([...e.target.selectedOptions].map((o) => o.value))} aria-label="parameters" size={Math.min(8, Math.max(3, choices.configKeys.length))}>
                {choices.configKeys.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            </label>
          </>
        )}
        {!choices.fixedSection && (
          <>
            <label className="field">
              Section
              <select value={section} onChange={(e) => setSection(e.target.value)} aria-label="section">
                <option value="">{defaultSection}</option>
                {choices.sections
                  .filter((s) => s !== defaultSection)
                  .map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                <option value={NEW_SECTION}>New section…</option>
              </select>
            </label>
            {section === NEW_SECTION && (
              <label className="field">
                New section name
                <input value={newSection} onChange={(e) => setNewSection(e.target.value)} maxLength={200} aria-label="new section name" />
              </label>
            )}
          </>
        )}
        <label className="field">
          Title (optional)
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} aria-label="title" />
        </label>
        {problem && <div className="error">{problem}</div>}
        <div className="actions">
          <button onClick={onClose}>Cancel</button>
          <button
            className="primary"
            disabled={problem !== null}
            onClick={() => {
              onAdd(build());
              onClose();
            }}
            data-testid="add-panel-submit"
          >
            Add panel
          </button>
        </div>
      </div>
    </div>
  );
}
