/**
 * The workspace's panel layout, as pure functions over a saved document (`WorkspaceLayout` on the
 * server, one per user and project).
 *
 * The document lists panels in order; a panel's `section` says where it sits, and the list order
 * gives the order inside a section. The workspace still creates a line chart per numeric metric by
 * itself: `materialize` adds those the document does not mention yet (at the end of their section,
 * unless the user removed them), so new metrics keep appearing after a layout was saved. Every
 * change the user makes goes through `materialize` first and then saves the whole list.
 */
import type { components } from "../api/generated/schema";
import { buildSections, compareSections, searchMatcher, sectionOf } from "./panels";

type S = components["schemas"];
export type Width = S["PanelSize"]["width"];
export type Height = S["PanelSize"]["height"];
export interface PanelSize {
  width: Width;
  height: Height;
}
export type LinePanel = Omit<S["LinePanel"], "size"> & { size: PanelSize };
export type BarPanel = Omit<S["BarPanel"], "size"> & { size: PanelSize };
export type ScatterPanel = Omit<S["ScatterPanel"], "size"> & { size: PanelSize };
/** Parallel coordinates of the runs: axes are `config.<key>` or `summary.<key>` fields, left to
 * right; lines are coloured by `color` (null: the last axis). */
export type ParallelPanel = Omit<S["ParallelPanel"], "size"> & { size: PanelSize };
/** Parameter importance of config keys for a summary metric. */
export type ImportancePanel = Omit<S["ImportancePanel"], "size"> & { size: PanelSize };
/** Run comparer: config and summary of the visible (or chosen) runs side by side. */
export type ComparerPanel = Omit<S["ComparerPanel"], "size"> & { size: PanelSize };
/** One big number: a summary metric aggregated over the visible runs (or one run's value). */
export type ScalarPanel = Omit<S["ScalarPanel"], "size"> & { size: PanelSize };
/** A Markdown note the user writes. */
export type MarkdownPanel = Omit<S["MarkdownPanel"], "size"> & { size: PanelSize };
/** One media key of the visible runs side by side. */
export type MediaPanel = Omit<S["MediaPanel"], "size"> & { size: PanelSize };
/** An artifact version's lineage graph (`name:alias`), `depth` hops either way. */
export type LineagePanel = Omit<S["LineagePanel"], "size"> & { size: PanelSize };
export type PanelSpec = LinePanel | BarPanel | ScatterPanel | ParallelPanel | ImportancePanel | ComparerPanel | ScalarPanel | MarkdownPanel | MediaPanel | LineagePanel;

export interface Layout {
  version: 1;
  panels: PanelSpec[];
  removed: string[];
  /** Colours the user picked: run id or `group:<label>` to `#rrggbb` (lib/panels setPickedColors). */
  run_colors?: Record<string, string>;
}

export interface LayoutSection {
  name: string;
  panels: PanelSpec[];
}

export const WIDTHS: Width[] = ["third", "half", "full"];
export const HEIGHTS: Height[] = ["small", "medium", "large"];
export const HEIGHT_PX: Record<Height, number> = { small: 150, medium: 220, large: 360 };
export const DEFAULT_SIZE: PanelSize = { width: "third", height: "medium" };
export const EMPTY_LAYOUT: Layout = { version: 1, panels: [], removed: [] };

const AUTO_PREFIX = "auto:";

export function autoPanelId(metric: string): string {
  return `${AUTO_PREFIX}${metric}`;
}

export function autoPanel(metric: string): LinePanel {
  return { id: autoPanelId(metric), type: "line", section: sectionOf(metric), metrics: [metric], auto: true, log_scale: false, size: DEFAULT_SIZE };
}

/** A document from the server, with every panel's size filled in. */
export function fromWire(doc: S["WorkspaceLayout"]): Layout {
  return {
    version: 1,
    panels: (doc.panels ?? []).map((p) => ({ ...p, size: { ...DEFAULT_SIZE, ...p.size } }) as PanelSpec),
    removed: doc.removed ?? [],
    ...(doc.run_colors ? { run_colors: doc.run_colors } : {}),
  };
}

/** The saved panels plus an auto panel for every metric the layout has not seen, each appended to
 * its section. Metrics whose auto panel was removed stay away. */
export function materialize(saved: Layout, metricKeys: readonly string[]): Layout {
  const known = new Set(saved.panels.map((p) => p.id));
  const removed = new Set(saved.removed);
  const fresh = buildSections(metricKeys)
    .flatMap((s) => s.keys)
    .filter((k) => !known.has(autoPanelId(k)) && !removed.has(k))
    .map(autoPanel);
  if (fresh.length === 0) return saved;
  const panels = [...saved.panels];
  for (const p of fresh) panels.splice(lastIndexIn(panels, p.section) + 1, 0, p);
  return { ...saved, panels };
}

function lastIndexIn(panels: readonly PanelSpec[], section: string): number {
  for (let i = panels.length - 1; i >= 0; i--) if (panels[i]?.section === section) return i;
  return panels.length - 1;
}

/** What a panel is about, for the panel search and its default title. */
export function panelKeys(p: PanelSpec): string[] {
  if (p.type === "line") return p.metrics;
  if (p.type === "bar" || p.type === "importance") return [p.metric];
  if (p.type === "parallel") return p.axes;
  if (p.type === "scalar") return [p.metric];
  if (p.type === "media") return [p.key];
  if (p.type === "markdown") return [p.text]; // "Search panels" finds a note by its words
  if (p.type === "comparer") return [];
  if (p.type === "lineage") return [p.artifact];
  return [p.x, p.y];
}

export function panelTitle(p: PanelSpec): string {
  if (p.title) return p.title;
  if (p.type === "line") return p.metrics.join(", ");
  if (p.type === "bar") return `${p.metric} (summary)`;
  if (p.type === "importance") return `Parameter importance: ${p.metric}`;
  if (p.type === "parallel") return "Parallel coordinates";
  if (p.type === "comparer") return "Run comparer";
  if (p.type === "scalar") return p.metric;
  if (p.type === "markdown") return "Note";
  if (p.type === "media") return p.key;
  if (p.type === "lineage") return `Lineage: ${p.artifact}`;
  return `${p.y.replace(/^(summary|config)\./, "")} vs ${p.x.replace(/^(summary|config)\./, "")}`;
}

/** Sections to draw: Charts, train, val, eval, test, the rest alphabetically, system last. Auto
 * panels of metrics no run has (any more) are left out, and `search` filters by panel title/keys. */
export function viewSections(layout: Layout, metricKeys: readonly string[], search = ""): LayoutSection[] {
  const have = new Set(metricKeys);
  const match = searchMatcher(search);
  const by = new Map<string, PanelSpec[]>();
  for (const p of layout.panels) {
    if (p.type === "line" && p.auto && !p.metrics.every((m) => have.has(m))) continue;
    if (!match(panelTitle(p)) && !panelKeys(p).some(match)) continue;
    let list = by.get(p.section);
    if (!list) by.set(p.section, (list = []));
    list.push(p);
  }
  return [...by.entries()].sort(([a], [b]) => compareSections(a, b)).map(([name, panels]) => ({ name, panels }));
}

export function addPanel(layout: Layout, panel: PanelSpec): Layout {
  return { ...layout, panels: [...layout.panels, panel] };
}

/** Removing an auto panel remembers its metric, so it does not come back on the next load (an
 * edited one too: it keeps its `auto:<metric>` id, which is what stands for that metric). */
export function removePanel(layout: Layout, id: string): Layout {
  const panel = layout.panels.find((p) => p.id === id);
  if (!panel) return layout;
  const gone = panel.type === "line" && panel.auto ? panel.metrics : id.startsWith(AUTO_PREFIX) ? [id.slice(AUTO_PREFIX.length)] : [];
  const removed = gone.length ? [...new Set([...layout.removed, ...gone])] : layout.removed;
  return { ...layout, panels: layout.panels.filter((p) => p.id !== id), removed };
}

/** The panel editor's change: `next` replaces panel `id` where it stands. An edited automatic chart
 * becomes the user's (no longer `auto`, so it stays even when no run logs its metric); it keeps its
 * id, so `materialize` does not add the metric's chart again, while new metrics still get theirs. */
export function editPanel(layout: Layout, id: string, next: PanelSpec): Layout {
  return updatePanel(layout, id, (p) => ({ ...next, id: p.id, section: p.section, size: p.size, ...(next.type === "line" ? { auto: false } : {}) }) as PanelSpec);
}

export function resizePanel(layout: Layout, id: string, size: Partial<PanelSize>): Layout {
  return { ...layout, panels: layout.panels.map((p) => (p.id === id ? { ...p, size: { ...p.size, ...size } } : p)) };
}

export function updatePanel(layout: Layout, id: string, change: (p: PanelSpec) => PanelSpec): Layout {
  return { ...layout, panels: layout.panels.map((p) => (p.id === id ? change(p) : p)) };
}

/** Move panel `id` to position `index` of `section` (counted among that section's panels without
 * the moved one; past the end appends). Works within a section and across sections. */
export function movePanel(layout: Layout, id: string, section: string, index: number): Layout {
  const panel = layout.panels.find((p) => p.id === id);
  if (!panel) return layout;
  const rest = layout.panels.filter((p) => p.id !== id);
  const moved = { ...panel, section };
  const inSection = rest.map((p, i) => [p, i] as const).filter(([p]) => p.section === section);
  let at: number;
  if (index < inSection.length) at = inSection[Math.max(0, index)]?.[1] ?? rest.length;
  else at = inSection.length ? (inSection[inSection.length - 1]?.[1] ?? rest.length - 1) + 1 : rest.length;
  rest.splice(at, 0, moved);
  return { ...layout, panels: rest };
}

/** Keyboard/menu move: one place earlier (-1) or later (+1) inside its section. */
export function movePanelBy(layout: Layout, id: string, delta: number): Layout {
  const panel = layout.panels.find((p) => p.id === id);
  if (!panel) return layout;
  const ids = layout.panels.filter((p) => p.section === panel.section).map((p) => p.id);
  const to = ids.indexOf(id) + delta;
  if (to < 0 || to >= ids.length) return layout;
  return movePanel(layout, id, panel.section, to);
}

let counter = 0;
/** A fresh panel id for a user-added panel. */
export function newPanelId(type: PanelSpec["type"]): string {
  counter += 1;
  return `${type}-${Date.now().toString(36)}-${counter}`;
}
