/**
 * The add-panel dialog's part for the run comparer, scalar, markdown note, media and lineage panels: their
 * fields, what stops one from being added, and the panel it makes.
 */
import { DEFAULT_SIZE, type ComparerPanel, type LineagePanel, type MarkdownPanel, type MediaPanel, type PanelSize, type ScalarPanel } from "../../lib/layout";
import { DEFAULT_LINEAGE_DEPTH, LINEAGE_DEPTHS, lineageProblem } from "../../lib/lineagePanel";
import { AGGREGATE_LABEL, noteProblem, type Aggregate } from "../../lib/panelTypes";
import { MultiSelect } from "../MultiSelect";
import type { PanelTypeSpec } from "./PanelTypeView";

type Kind = PanelTypeSpec["type"];

const NAMES = new Intl.Collator(undefined, { numeric: true });

export const PANEL_TYPE_LABEL: Record<Kind, string> = { comparer: "Run comparer", scalar: "Number", markdown: "Markdown note", media: "Media", lineage: "Artifact lineage" };
export const PANEL_TYPE_KINDS = Object.keys(PANEL_TYPE_LABEL) as Kind[];

export const isPanelTypeKind = (kind: string): kind is Kind => kind in PANEL_TYPE_LABEL;

/** What these fields need of the workspace (optional in the dialog's choices). */
export interface PanelTypeChoices {
  summaryNumeric: string[];
  /** The workspace's visible runs: run id and display name. */
  runs?: { id: string; name: string }[];
  /** History keys that may hold media (the media panel checks each run's values). */
  mediaKeys?: string[];
  /** Artifact versions to suggest for a lineage panel (`name:latest`). */
  artifacts?: string[];
}

export interface PanelTypeDraft {
  compareRuns: string[];
  metric: string;
  aggregate: Aggregate;
  /** A run id whose value the number shows; "" aggregates over the visible runs. */
  scalarRun: string;
  note: string;
  mediaKey: string;
  /** The lineage panel's `name:alias` and hops. */
  artifact: string;
  depth: number;
}

export function initialDraft(choices: PanelTypeChoices): PanelTypeDraft {
  return { compareRuns: [], metric: choices.summaryNumeric[0] ?? "", aggregate: "mean", scalarRun: "", note: "", mediaKey: choices.mediaKeys?.[0] ?? "", artifact: choices.artifacts?.[0] ?? "", depth: DEFAULT_LINEAGE_DEPTH };
}

export function panelTypeProblem(kind: Kind, d: PanelTypeDraft): string | null {
  if (kind === "comparer" && d.compareRuns.length === 1) return "Pick two runs or more, or none to compare the visible runs.";
  if (kind === "scalar" && !d.metric) return "This project has no numeric summary metric yet.";
  if (kind === "markdown") return noteProblem(d.note);
  if (kind === "media" && !d.mediaKey) return "No run of this project logged media yet.";
  if (kind === "lineage") return lineageProblem(d.artifact);
  return null;
}

const SIZE: Record<Kind, PanelSize> = {
  comparer: { width: "full", height: "large" },
  scalar: { width: "third", height: "small" },
  markdown: { width: "half", height: "medium" },
  media: { ...DEFAULT_SIZE, width: "half" },
  lineage: { width: "full", height: "medium" },
};

interface Common {
  id: string;
  section: string;
  title: string | null;
}

export function buildPanelType(kind: Kind, common: Common, d: PanelTypeDraft): PanelTypeSpec {
  const base = { ...common, size: SIZE[kind] };
  if (kind === "comparer") return { ...base, type: "comparer", runs: d.compareRuns.length ? { ids: d.compareRuns } : null, diff_only: true } satisfies ComparerPanel;
  if (kind === "scalar") return { ...base, type: "scalar", metric: d.metric, aggregate: d.aggregate, runs: d.scalarRun ? { ids: [d.scalarRun] } : null } satisfies ScalarPanel;
  if (kind === "markdown") return { ...base, type: "markdown", text: d.note } satisfies MarkdownPanel;
  if (kind === "lineage") return { ...base, type: "lineage", artifact: d.artifact.trim(), artifact_type: null, depth: d.depth } satisfies LineagePanel;
  return { ...base, type: "media", key: d.mediaKey, runs: null } satisfies MediaPanel;
}

export function PanelTypeFields({ kind, draft, onChange, choices }: { kind: Kind; draft: PanelTypeDraft; onChange: (d: PanelTypeDraft) => void; choices: PanelTypeChoices }): React.JSX.Element {
  const set = <K extends keyof PanelTypeDraft>(key: K, value: PanelTypeDraft[K]): void => onChange({ ...draft, [key]: value });
  const runs = [...(choices.runs ?? [])].sort((a, b) => NAMES.compare(a.name, b.name));
  if (kind === "comparer")
    return (
      <div className="field">
        Runs to compare (none picked: the visible runs, as the runs table shows them)
        <MultiSelect label="runs to compare" options={runs.map((r) => r.id)} names={new Map(runs.map((r) => [r.id, r.name]))} value={draft.compareRuns} onChange={(v) => set("compareRuns", v)} max={50} placeholder="Search runs" />
      </div>
    );
  if (kind === "scalar")
    return (
      <>
        <label className="field">
          Summary metric
          <select value={draft.metric} onChange={(e) => set("metric", e.target.value)} aria-label="scalar metric">
            {choices.summaryNumeric.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Value
          <select value={draft.scalarRun ? `run:${draft.scalarRun}` : draft.aggregate} onChange={(e) => (e.target.value.startsWith("run:") ? set("scalarRun", e.target.value.slice(4)) : onChange({ ...draft, scalarRun: "", aggregate: e.target.value as Aggregate }))} aria-label="scalar value">
            {(Object.keys(AGGREGATE_LABEL) as Aggregate[]).map((a) => (
              <option key={a} value={a}>
                {a === "last" ? "the newest visible run's" : `${AGGREGATE_LABEL[a]} over the visible runs`} (per group when grouped)
              </option>
            ))}
            {runs.length > 0 && (
              <optgroup label="One run's value">
                {runs.map((r) => (
                  <option key={r.id} value={`run:${r.id}`}>
                    {r.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
      </>
    );
  if (kind === "lineage") return <LineageFields artifact={draft.artifact} depth={draft.depth} suggestions={choices.artifacts ?? []} onChange={(artifact, depth) => onChange({ ...draft, artifact, depth })} />;
  if (kind === "markdown")
    return (
      <label className="field">
        Note (Markdown; edit it later in the panel)
        <textarea className="note-input" value={draft.note} onChange={(e) => set("note", e.target.value)} aria-label="note text" placeholder="# What this project tries" />
      </label>
    );
  return (
    <label className="field">
      Media key (images, audio, tables, …: one column per visible run)
      <select value={draft.mediaKey} onChange={(e) => set("mediaKey", e.target.value)} aria-label="media key">
        {(choices.mediaKeys ?? []).map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
    </label>
  );
}

/** The lineage panel's fields (the add-panel dialog and the panel editor): the version and hops. */
export function LineageFields({ artifact, depth, suggestions, onChange }: { artifact: string; depth: number; suggestions: readonly string[]; onChange: (artifact: string, depth: number) => void }): React.JSX.Element {
  return (
    <>
      <label className="field">
        Artifact version (name:alias or name:vN, in the project the panel draws from)
        <input value={artifact} onChange={(e) => onChange(e.target.value, depth)} list="lineage-artifacts" placeholder="mnist-model:latest" aria-label="lineage artifact" />
        <datalist id="lineage-artifacts">
          {suggestions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label className="field">
        Hops either way
        <select value={depth} onChange={(e) => onChange(artifact, Number(e.target.value))} aria-label="lineage depth">
          {LINEAGE_DEPTHS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
