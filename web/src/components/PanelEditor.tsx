/**
 * The panel editor (the pencil in a panel's head, or "Edit panel…" in its ⋯ menu): a line chart's
 * title, metrics, x axis, smoothing, y range and log scale, and which of the drawn runs it shows; a
 * bar, scatter, parallel coordinates or importance panel's title and main fields; any other panel's
 * title. Apply saves it with the layout (an automatic chart becomes the user's: lib/layout editPanel).
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { panelTitle, type PanelSpec } from "../lib/layout";
import { draftProblem, hasRunSelection, nameRegex, parseBound, selectRuns, type RunSelection, type SelectableRun } from "../lib/panelEdit";
import { DEFAULT_SMOOTHING, type SmoothingKind } from "../lib/smoothing";
import type { PanelChoices } from "./AddPanelDialog";
import { SmoothingOptions, XAxisOptions } from "./ChartChoices";
import { MultiSelect } from "./MultiSelect";
import { LineageFields } from "./panelTypes/AddPanelFields";
import "./panelEdit.css";

export interface EditorRun extends SelectableRun {
  id: string;
}

type RunMode = "all" | "ids" | "regex" | "groups";

const NAMES = new Intl.Collator(undefined, { numeric: true });

function modeOf(sel: RunSelection | null | undefined): RunMode {
  if (sel?.ids) return "ids";
  if (sel?.name_regex) return "regex";
  if (sel?.groups) return "groups";
  return "all";
}

/** Which drawn runs the panel shows: all, chosen ones, names matching a regex, or groups. */
function RunPicker(props: { value: RunSelection | null | undefined; onChange: (sel: RunSelection | null) => void; runs: EditorRun[]; groups: readonly string[]; grouped: boolean }): React.JSX.Element {
  const { value } = props;
  // By name (run-2 before run-10), as one looks for them.
  const runs = useMemo(() => [...props.runs].sort((a, b) => NAMES.compare(a.name, b.name)), [props.runs]);
  const [mode, setMode] = useState<RunMode>(modeOf(value));
  const [ids, setIds] = useState<string[]>(value?.ids ?? []);
  const [regex, setRegex] = useState(value?.name_regex ?? "");
  const [groups, setGroups] = useState<string[]>(value?.groups ?? []);
  const names = useMemo(() => new Map(runs.map((r) => [r.id, r.name])), [runs]);
  const groupLabels = useMemo(() => [...new Set([...props.groups, ...runs.map((r) => r.group).filter((g): g is string => Boolean(g)), ...groups])].sort(NAMES.compare), [props.groups, runs, groups]);
  const emit = (m: RunMode, next: { ids?: string[]; regex?: string; groups?: string[] }): void => {
    if (m === "ids") props.onChange({ ids: next.ids ?? ids });
    else if (m === "regex") props.onChange({ name_regex: next.regex ?? regex });
    else if (m === "groups") props.onChange({ groups: next.groups ?? groups });
    else props.onChange(null);
  };
  const shown = selectRuns(runs, value);
  const choices: [RunMode, string][] = [
    ["all", "All drawn runs"],
    ["ids", "Chosen runs"],
    ["regex", "Names matching"],
    ["groups", "Groups"],
  ];
  return (
    <fieldset className="field run-picker" data-testid="run-picker">
      <legend>Runs</legend>
      <div className="panel-kinds" role="radiogroup" aria-label="runs shown">
        {choices.map(([m, label]) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={mode === m}
            className={`chip${mode === m ? " on" : ""}`}
            onClick={() => {
              setMode(m);
              emit(m, {});
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {mode === "ids" && (
        <MultiSelect
          label="runs"
          options={runs.map((r) => r.id)}
          names={names}
          value={ids}
          onChange={(v) => {
            setIds(v);
            emit("ids", { ids: v });
          }}
          placeholder="Search run names, or a regex"
        />
      )}
      {mode === "regex" && (
        <input
          value={regex}
          onChange={(e) => {
            setRegex(e.target.value);
            emit("regex", { regex: e.target.value });
          }}
          placeholder="^adam-|lr=0\.1"
          aria-label="run name regex"
          className={regex && nameRegex(regex) === null ? "invalid" : undefined}
        />
      )}
      {mode === "groups" &&
        (props.grouped || groups.length ? (
          <MultiSelect
            label="groups"
            placeholder="Search groups, or a regex"
            options={groupLabels}
            value={groups}
            onChange={(v) => {
              setGroups(v);
              emit("groups", { groups: v });
            }}
          />
        ) : (
          <div className="ms-note">Group the runs (Group by, above the table) to pick groups.</div>
        ))}
      <div className="muted" data-testid="runs-shown">
        Shows {shown.length} of {runs.length} drawn runs{mode === "groups" && !props.grouped ? " (groups apply while the runs are grouped)" : ""}
        {mode !== "all" && shown.length > 0 && shown.length <= 6 ? `: ${shown.map((r) => r.name).join(", ")}` : ""}
      </div>
    </fieldset>
  );
}

/** The y range as typed: kept as text so "-" or "1e" can be on the way to a number. */
function useBound(v: number | null | undefined): [string, (t: string) => void] {
  return useState(v === null || v === undefined ? "" : String(v));
}

export function PanelEditor(props: {
  panel: PanelSpec;
  choices: PanelChoices;
  runs: EditorRun[];
  /** The group labels a grouped chart draws (besides the drawn runs' own). */
  groups?: readonly string[];
  grouped: boolean;
  onApply: (next: PanelSpec) => void;
  onClose: () => void;
}): React.JSX.Element {
  const { panel, choices } = props;
  const [draft, setDraft] = useState<PanelSpec>(panel);
  const [title, setTitle] = useState(panel.title ?? "");
  const [yMin, setYMin] = useBound(panel.type === "line" ? panel.y_min : null);
  const [yMax, setYMax] = useBound(panel.type === "line" ? panel.y_max : null);
  const first = useRef<HTMLInputElement>(null);
  const close = useRef(props.onClose);
  close.current = props.onClose;
  useEffect(() => {
    first.current?.focus();
    // On the document, before the full-screen view's Escape (on the window), which then stays open.
    const esc = (e: KeyboardEvent): void => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      close.current();
    };
    document.addEventListener("keydown", esc);
    return () => document.removeEventListener("keydown", esc);
  }, []);
  const set = (change: Partial<PanelSpec>): void => setDraft((d) => ({ ...d, ...change }) as PanelSpec);
  const lo = parseBound(yMin);
  const hi = parseBound(yMax);
  const next: PanelSpec = { ...draft, title: title.trim() || null, ...(draft.type === "line" && lo !== "bad" && hi !== "bad" ? { y_min: lo, y_max: hi } : {}) } as PanelSpec;
  const problem = lo === "bad" || hi === "bad" ? "Y min and Y max are numbers, or empty to take them from the data." : draftProblem(next);
  const apply = (): void => {
    if (problem) return;
    props.onApply(next);
    props.onClose();
  };
  const fieldOptions = (list: readonly string[]) =>
    list.map((f) => (
      <option key={f} value={f}>
        {f}
      </option>
    ));
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className="dialog panel-editor" role="dialog" aria-modal="true" aria-labelledby="panel-editor-title" data-testid="panel-editor" data-panel-type={panel.type}>
        <h2 id="panel-editor-title">Edit panel</h2>
        <label className="field">
          Title
          <input ref={first} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder={panelTitle({ ...next, title: null })} aria-label="title" />
        </label>
        {draft.type === "line" && (
          <>
            <div className="field">
              Metrics (up to 10)
              <MultiSelect label="metrics" options={choices.metrics} value={draft.metrics} onChange={(metrics) => set({ metrics })} max={10} />
            </div>
            <div className="field-row">
              <label className="field">
                X axis
                <select value={draft.x_axis ?? ""} onChange={(e) => set({ x_axis: e.target.value || null })} aria-label="x axis">
                  <XAxisOptions axes={[...new Set([...choices.axes, ...(draft.x_axis?.startsWith("m:") ? [draft.x_axis.slice(2)] : [])])]} />
                </select>
              </label>
              <label className="field">
                Smoothing
                <select
                  value={draft.smoothing?.kind ?? ""}
                  onChange={(e) => {
                    const kind = e.target.value as SmoothingKind | "";
                    set({ smoothing: kind ? { kind, param: DEFAULT_SMOOTHING[kind] } : null });
                  }}
                  aria-label="smoothing"
                >
                  <SmoothingOptions />
                </select>
              </label>
              {draft.smoothing && draft.smoothing.kind !== "none" && (
                <label className="field narrow">
                  {draft.smoothing.kind === "ema" ? "Weight" : draft.smoothing.kind === "gaussian" ? "Sigma" : "Window"}
                  <input
                    type="number"
                    min={0}
                    max={draft.smoothing.kind === "ema" ? 0.99 : 1000}
                    step={draft.smoothing.kind === "ema" ? 0.01 : 1}
                    value={draft.smoothing.param ?? DEFAULT_SMOOTHING[draft.smoothing.kind]}
                    onChange={(e) => draft.smoothing && set({ smoothing: { kind: draft.smoothing.kind, param: Number(e.target.value) } })}
                    aria-label="smoothing amount"
                  />
                </label>
              )}
            </div>
            <div className="field-row">
              <label className="field narrow">
                Y min
                <input value={yMin} onChange={(e) => setYMin(e.target.value)} placeholder="auto" inputMode="decimal" aria-label="y min" />
              </label>
              <label className="field narrow">
                Y max
                <input value={yMax} onChange={(e) => setYMax(e.target.value)} placeholder="auto" inputMode="decimal" aria-label="y max" />
              </label>
              <label className="check">
                <input type="checkbox" checked={draft.log_scale} onChange={(e) => set({ log_scale: e.target.checked })} aria-label="log scale" /> Log scale (y)
              </label>
            </div>
          </>
        )}
        {draft.type === "bar" && (
          <div className="field-row">
            <label className="field">
              Summary metric
              <select value={draft.metric} onChange={(e) => set({ metric: e.target.value })} aria-label="summary metric">
                {fieldOptions([...new Set([draft.metric, ...choices.summaryNumeric])])}
              </select>
            </label>
            <label className="field">
              Order
              <select value={draft.sort} onChange={(e) => set({ sort: e.target.value as "desc" | "asc" | "none" })} aria-label="order">
                <option value="desc">largest first</option>
                <option value="asc">smallest first</option>
                <option value="none">as in the runs table</option>
              </select>
            </label>
          </div>
        )}
        {draft.type === "scatter" && (
          <div className="field-row">
            <label className="field">
              X
              <select value={draft.x} onChange={(e) => set({ x: e.target.value })} aria-label="scatter x">
                {fieldOptions([...new Set([draft.x, ...choices.fields])])}
              </select>
            </label>
            <label className="field">
              Y
              <select value={draft.y} onChange={(e) => set({ y: e.target.value })} aria-label="scatter y">
                {fieldOptions([...new Set([draft.y, ...choices.fields])])}
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.log_x} onChange={(e) => set({ log_x: e.target.checked })} /> log x
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.log_y} onChange={(e) => set({ log_y: e.target.checked })} /> log y
            </label>
          </div>
        )}
        {draft.type === "parallel" && (
          <div className="field">
            Axes, left to right (2 to 20)
            <MultiSelect label="axes" options={[...new Set([...draft.axes, ...choices.configKeys.map((k) => `config.${k}`), ...choices.summaryNumeric.map((k) => `summary.${k}`)])]} value={draft.axes} onChange={(axes) => set({ axes, color: draft.color && axes.includes(draft.color) ? draft.color : null })} max={20} />
          </div>
        )}
        {draft.type === "importance" && (
          <label className="field">
            Metric (a summary value)
            <select value={draft.metric} onChange={(e) => set({ metric: e.target.value })} aria-label="importance metric">
              {fieldOptions([...new Set([draft.metric, ...choices.summaryNumeric])])}
            </select>
          </label>
        )}
        {draft.type === "lineage" && <LineageFields artifact={draft.artifact} depth={draft.depth} suggestions={choices.artifacts ?? []} onChange={(artifact, depth) => set({ artifact, depth })} />}
        {hasRunSelection(draft) && <RunPicker value={draft.runs} onChange={(runs) => set({ runs })} runs={props.runs} groups={props.groups ?? []} grouped={props.grouped} />}
        {problem && (
          <div className="error" role="alert" data-testid="editor-problem">
            {problem}
          </div>
        )}
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={problem !== null} onClick={apply} data-testid="panel-editor-apply">
            Apply
          </button>
        </div>
      </div>
    </div>
  );
}
