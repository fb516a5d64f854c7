/**
 * A report's panel grid, live: each run set's runs (its project, the runs table's filter, its
 * grouping) drawn by the workspace's own panels (PanelLayout: line charts with their settings,
 * bar, scatter, parallel coordinates, importance, comparer, number, note, media, lineage). The
 * runs list is polled as the workspace polls it, so a new run that matches appears without a
 * reload. Editable, panels are added, edited, moved, resized and removed as in the workspace, and
 * run sets are edited in place; every change is handed to `onChange` as the new block.
 */
import { useQueries, type UseQueryResult } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState } from "react";
import type { RunOut } from "../../api/client";
import { AddPanelDialog } from "../../components/AddPanelDialog";
import { PanelSections, type PanelContext } from "../../components/PanelLayout";
import { addPanel, fromWire, type Layout, type PanelSpec } from "../../lib/layout";
import { runRefOf } from "../../lib/panelEdit";
import { parseSmoothing, useLineSettings } from "../../lib/panelSettings";
import { useColorVersion } from "../../lib/panels";
import { runsQuery } from "../../lib/queries";
import type { GroupSpec } from "../../lib/groupSeries";
import { navigate, paths } from "../../router";
import { RunsetTabs } from "./RunsetTabs";
import { useGridChoices } from "./gridChoices";
import { gridRuns, runsetView, type PanelGridBlock, type RunsetView } from "./runsets";
import "./reportPanels.css";

/** The one section a grid's panels sit in (the Python API writes the same). */
export const GRID_SECTION = "Report";
const SECTIONS = [GRID_SECTION];
/** How often the runs list is asked again: as the workspace while a run is running, and slower
 * when none is, so a run started later still appears. */
const RUNNING_POLL_MS = 5_000;
const IDLE_POLL_MS = 15_000;

const inGrid = (p: PanelSpec): PanelSpec => (p.section === GRID_SECTION ? p : { ...p, section: GRID_SECTION });
/** The block's panels as the layout functions take them: sizes filled in, all in the one section. */
const gridLayout = (panels: PanelGridBlock["panels"]): Layout => {
  const layout = fromWire({ version: 1, panels });
  return { ...layout, panels: layout.panels.map(inGrid) };
};

/** The same array while its content is the same (charts keep their data between polls). */
function useStable<T>(value: T): T {
  const ref = useRef(value);
  if (JSON.stringify(ref.current) !== JSON.stringify(value)) ref.current = value;
  return ref.current;
}

/** The previous array while every element is the same object. */
function useShallowSame<T>(items: T[]): T[] {
  const ref = useRef(items);
  if (ref.current.length !== items.length || ref.current.some((x, i) => x !== items[i])) ref.current = items;
  return ref.current;
}

export function ReportPanelGrid(props: { block: PanelGridBlock; editable: boolean; onChange?: (next: PanelGridBlock) => void }): React.JSX.Element {
  const { editable, onChange } = props;
  // A reader may still flip a log scale or reorder axes, as in W&B: kept in the page, never saved
  // (and dropped when the report itself changes).
  const [reading, setReading] = useState<{ of: PanelGridBlock; block: PanelGridBlock } | null>(null);
  const block = !editable && reading?.of === props.block ? reading.block : props.block;
  // Run sets the reader switched off (by index), as W&B's run set tabs do.
  const [off, setOff] = useState<ReadonlySet<number>>(new Set());
  const [adding, setAdding] = useState(false);
  const latest = useRef(block);
  latest.current = block;
  const change = useCallback((next: PanelGridBlock) => (editable ? onChange?.(next) : setReading({ of: props.block, block: next })), [editable, onChange, props.block]);

  const queries: UseQueryResult<RunOut[]>[] = useQueries({
    queries: block.runsets.map((rs) => ({
      ...runsQuery(rs.entity, rs.project),
      refetchInterval: (q: { state: { data?: RunOut[] | undefined } }) => (q.state.data?.some((r) => r.state === "running") ? RUNNING_POLL_MS : IDLE_POLL_MS),
    })),
  });
  const colorVersion = useColorVersion();
  // A poll that brought the same runs keeps the same answer (the query's structural sharing), so
  // the views are made again only when a run set's runs or the run sets changed: a 10,000-run
  // project is not flattened again every few seconds.
  const answers = useShallowSame(queries.map((q) => q.data));
  const views: (RunsetView | null)[] = useMemo(() => block.runsets.map((rs, i) => (answers[i] ? runsetView(rs, answers[i]) : null)), [block.runsets, answers]);
  const shown = useMemo(() => views.filter((v, i): v is RunsetView => v !== null && !off.has(i)), [views, off]);
  const grid = useMemo(() => gridRuns(shown), [shown, colorVersion]);
  const plotted = useStable(grid.plotted);
  const summaryRuns = useStable(grid.summaryRuns);
  const allRuns = useStable(grid.allRuns);
  const groups = useStable(grid.grouped?.groups ?? null);
  const live = grid.live;

  // Importance, the lineage panel and links to runs use the first shown run set's project.
  const first = shown[0] ?? views.find((v) => v !== null) ?? null;
  const home = first?.runset ?? block.runsets[0];
  const entity = home?.entity ?? "";
  const project = home?.project ?? "";
  const grouped = grid.grouped?.view ?? null;
  const groupSpec: GroupSpec | null = useMemo(
    () => (grouped?.groupBy && groups ? { entity: grouped.runset.entity, project: grouped.runset.project, by: grouped.groupBy, filter: grouped.runFilter, exclude: [], groups } : null),
    [grouped, groups],
  );
  const baseSettings = useMemo(() => ({ xAxis: "step" as const, smoothing: parseSmoothing(null), logScale: false, grouped: groupSpec !== null, band: "minmax" as const, groups: groupSpec, live }), [groupSpec, live]);
  const lineSettings = useLineSettings(baseSettings);

  const layout: Layout = useMemo(() => gridLayout(block.panels), [block.panels]);
  const update = useCallback(
    (edit: (l: Layout) => Layout) => {
      const now = latest.current;
      const next = edit(gridLayout(now.panels));
      change({ ...now, panels: next.panels.map(inGrid) });
    },
    [change],
  );
  const panelChoices = useGridChoices(shown.length ? shown : views.filter((v): v is RunsetView => v !== null), plotted, entity, project, SECTIONS, editable);
  const ctx: PanelContext = useMemo(
    () => ({
      runs: plotted,
      summaryRuns,
      grouping: groupSpec ? { spec: groupSpec, band: "minmax", live } : null,
      lineSettings,
      sectionNames: SECTIONS,
      update,
      onOpenRun: (key: string) => navigate(paths.run(...runRefOf(key))),
      entity,
      project,
      allRuns,
      runFilter: first?.runFilter ?? null,
      panelChoices,
      live,
      readOnly: !editable,
    }),
    [plotted, summaryRuns, groupSpec, live, lineSettings, update, entity, project, allRuns, first?.runFilter, panelChoices, editable],
  );
  const sections = useMemo(() => (layout.panels.length ? [{ name: GRID_SECTION, panels: layout.panels }] : []), [layout]);
  const loading = views.some((v) => v === null) && queries.some((q) => q.isPending);

  return (
    <div className="report-panel-grid" data-testid="report-panel-grid" data-runs={plotted.length} data-live={live}>
      <RunsetTabs
        runsets={block.runsets}
        views={views}
        errors={queries.map((q) => (q.isError ? (q.error as Error).message : null))}
        off={off}
        onToggle={(i) => setOff((s) => (s.has(i) ? new Set([...s].filter((x) => x !== i)) : new Set([...s, i])))}
        groupingNote={shown.length > 1 && shown.some((v) => v.groupBy) ? "Grouping applies while a grouped run set is shown alone." : null}
        {...(editable ? { onRunsets: (runsets) => change({ ...latest.current, runsets }) } : {})}
      />
      {editable && (
        <div className="report-grid-tools">
          <button type="button" className="primary" onClick={() => setAdding(true)} data-testid="report-add-panel">
            + Panel
          </button>
          <span className="muted">Drag a panel by its handle to move it; its menu resizes, moves and removes it.</span>
        </div>
      )}
      {loading && <div className="muted">Loading runs…</div>}
      {sections.length === 0 && !loading ? (
        <div className="panel-empty report-grid-empty">{editable ? "No panels yet: “+ Panel” adds a chart of these runs." : "This grid has no panels."}</div>
      ) : (
        <PanelSections sections={sections} ctx={ctx} headings={false} />
      )}
      {adding && <AddPanelDialog choices={panelChoices} onAdd={(panel) => update((l) => addPanel(l, inGrid(panel)))} onClose={() => setAdding(false)} />}
    </div>
  );
}
