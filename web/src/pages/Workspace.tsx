/**
 * The project workspace: runs table on the left, chart panels on the right, arranged in sections
 * by metric prefix. Filter, grouping, sorting and chart settings live in the URL, so a view is a
 * link; hidden runs and columns are remembered in the browser per user and project, and the panel
 * layout (added, removed, resized, moved panels) on the server per user and project.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { SortingState } from "@tanstack/react-table";
import { useCallback, useMemo, useRef, useState } from "react";
import { Empty } from "../components/Empty";
import { AddPanelDialog } from "../components/AddPanelDialog";
import type { PanelRun } from "../components/MetricPanel";
import { PanelSections, type PanelContext } from "../components/PanelLayout";
import { columnValue, RunsTable, type TableRun } from "../components/RunsTable";
import { useEscape } from "../lib/useEscape";
import { parseBand } from "../lib/grouping";
import { formatGroupParam, parseGroupParam, runGroup, UNGROUPABLE } from "../lib/groupKeys";
import type { DrawnGroup, GroupSpec } from "../lib/groupSeries";
import { addPanel, viewSections, type LinePanel } from "../lib/layout";
import { useWorkspaceLayout } from "../lib/layoutSync";
import { useSavedView } from "../lib/viewSync";
import { PanelsToolbar } from "../components/PanelsToolbar";
import { WorkspaceMedia } from "../components/WorkspaceMedia";
import { WorkspaceToolbar } from "../components/WorkspaceToolbar";
import { assignGroupColors, AXIS_KEYS, useColorVersion } from "../lib/panels";
import { drawnGroupsOf, filterRows, groupedSummaryRuns, panelRun, runKeys, tableRows } from "../lib/workspaceRuns";
import { parseLegend, usePickedColors } from "../lib/runColors";
import { chartAxis, parseSmoothing, parseX, useLineSettings } from "../lib/panelSettings";
import { asDefinitions, isHidden } from "../lib/stepMetric";
import { FIRST_SCREEN_CHARTS, prefetchCharts, type SeriesParams } from "../lib/seriesQuery";
import { numericFields, type SummaryRun } from "../lib/summaryPlots";
import { parseZooms } from "../lib/zoom";
import { useDebounced } from "../lib/storage";
import { ColumnPicker } from "../components/ColumnPicker";
import { SplitBody } from "../components/WorkspaceSplit";
import { useTableView } from "../lib/tableView";
import { useWorkspaceTable } from "../lib/viewsTableState";
import { navigate, paths, setParams, useLocation } from "../router";
import { useSweepPanelRuns } from "../sweeps/panels";
import { projectKeysQuery, runsQuery as projectRunsQuery } from "../lib/queries";
import { RunsBulkBar } from "../components/RunsBulkBar";
import { withArchived } from "../lib/bulkRuns";

const NO_RUNS: PanelRun[] = [];
const toggle = (list: string[], item: string): string[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

export function Workspace({ entity, project, user }: { entity: string; project: string; user: string }): React.JSX.Element {
  const { search } = useLocation();
  const store = `tw:${user}:${entity}/${project}`;
  // "Show archived" (the bulk bar's switch): archived runs in the table, greyed, and in the charts.
  const showArchived = search.get("archived") === "1";
  const runsQuery = useQuery({
    ...projectRunsQuery(entity, project, showArchived),
    refetchInterval: (q) => (q.state.data?.some((r) => r.state === "running") ? 5000 : false),
  });
  // Hidden runs, pinned, hidden and resized columns, the split: the user's own, or the open view's.
  const table = useWorkspaceTable(store, entity, project);
  const { hiddenRuns: hiddenList, pinned, hiddenCols } = table;
  const setHiddenCols = useCallback((cols: string[]) => table.set("hiddenCols", cols), [table.set]);
  // Groups start collapsed (a group of 300 runs is one row) and open one by one.
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [showPicker, setShowPicker] = useState(false);
  const [addingPanel, setAddingPanel] = useState(false);
  useEscape(showPicker, () => setShowPicker(false));

  // Applied in the same render (not deferred): filtering 1,000 runs takes a few ms, and a deferred
  // pass cost the table a frame.
  const filterText = search.get("q") ?? "";
  const groupParam = search.get("group");
  const groupKeys = useMemo(() => parseGroupParam(groupParam), [groupParam]);
  const groupBy = groupKeys.length ? groupKeys : null;
  const band = parseBand(search.get("band"));
  const xAxis = parseX(search.get("x"));
  const smoothing = parseSmoothing(search.get("smooth"));
  const panelSearch = search.get("panels") ?? "";
  const maxRuns = Number(search.get("max") ?? 20) || 20;
  const legend = parseLegend(search.get("legend"));
  // Picked run colours (lib/runColors): memos that ask runColor/groupColor follow this.
  const colorVersion = useColorVersion();
  const sortParam = search.get("sort") ?? "";
  const sorting: SortingState = useMemo(
    () => (sortParam ? sortParam.split(",").map((s) => ({ id: s.replace(/^-/, ""), desc: s.startsWith("-") })) : []),
    [sortParam],
  );

  // Colours by creation order, before anything below asks for one (lib/workspaceRuns.ts).
  const rows: TableRun[] = useMemo(() => tableRows(runsQuery.data ?? []), [runsQuery.data]);
  const { configKeys, summaryKeys, numericKeys } = useMemo(() => runKeys(rows), [rows]);

  const { filtered, filterError } = useMemo(() => filterRows(rows, filterText, { configKeys, summaryKeys }), [rows, filterText, configKeys, summaryKeys]);

  const columnIds = useMemo(() => ["name", "state", "created", "runtime", "group", "job_type", "tags", "notes", ...configKeys.map((k) => `c:${k}`), ...summaryKeys.map((k) => `s:${k}`)], [configKeys, summaryKeys]);
  const visibility = useMemo(() => Object.fromEntries(hiddenCols.map((c) => [c, false])), [hiddenCols]);
  // Table beside the charts, narrow run list (names only) or full-width table; dragged column
  // widths; define_metric summaries headed `loss (min)`. Kept per user and project in the browser.
  const tableView = useTableView(table, columnIds, rows, visibility);
  const hidden = useMemo(() => new Set(hiddenList), [hiddenList]);

  // Charts follow the table's order (sorted), minus hidden runs, up to `max` runs; they follow the
  // table a moment later so typing in the filter box stays instant with many charts on screen (but
  // at once when the runs first arrive: that wait delayed the first chart by 300 ms).
  // Groups get a colour each, by label over every run (not only the filtered or drawn ones), so a
  // group keeps its colour while filtering; the table's group rows and the charts read the same.
  useMemo(() => {
    if (groupBy) assignGroupColors(rows.map((r) => runGroup(groupBy, (id) => columnValue(r, id)).label));
  }, [rows, groupBy, colorVersion]);
  const chartRows = useDebounced(filtered, 300, (settled) => settled.length === 0);
  // Sorting likewise: the table re-sorts (and is painted) at once, the charts follow.
  const chartSorting = useDebounced(sorting, 300);
  const chartOrder = useMemo(() => {
    const order = [...chartRows];
    for (const s of [...chartSorting].reverse()) {
      order.sort((a, b) => {
        const va = columnValue(a, s.id);
        const vb = columnValue(b, s.id);
        const c = typeof va === "number" && typeof vb === "number" ? va - vb : String(va ?? "").localeCompare(String(vb ?? ""));
        return s.desc ? -c : c;
      });
    }
    return order;
  }, [chartRows, chartSorting]);
  const plotted: PanelRun[] = useMemo(() => {
    return chartOrder
      .filter((r) => !hidden.has(r.key))
      .slice(0, maxRuns)
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((r) => panelRun(r, groupBy));
  }, [chartOrder, hidden, maxRuns, groupBy, colorVersion]);
  // Grouped, charts draw groups: the first "Runs in charts" groups in the table's order, each over
  // every one of its runs (minus hidden ones), computed on the server (lib/groupSeries.ts).
  const drawnGroups: DrawnGroup[] = useMemo(() => (groupBy ? drawnGroupsOf(chartOrder, groupBy, hidden, maxRuns) : []), [chartOrder, hidden, maxRuns, groupBy, colorVersion]);
  const drawnGroupsRef = useRef(drawnGroups);
  if (JSON.stringify(drawnGroupsRef.current) !== JSON.stringify(drawnGroups)) drawnGroupsRef.current = drawnGroups;
  const stableGroups = drawnGroupsRef.current;
  // An opened group's runs are drawn too, faintly behind its mean (up to "Runs in charts" of them).
  const openRuns: PanelRun[] = useMemo(() => {
    if (!groupBy || expanded.size === 0) return NO_RUNS;
    const open = chartOrder.filter((r) => !hidden.has(r.key) && expanded.has(runGroup(groupBy, (id) => columnValue(r, id)).label));
    return open.slice(0, maxRuns).map((r) => panelRun(r, groupBy));
  }, [chartOrder, hidden, maxRuns, groupBy, expanded, colorVersion]);
  const openRunsRef = useRef(openRuns);
  if (JSON.stringify(openRunsRef.current) !== JSON.stringify(openRuns)) openRunsRef.current = openRuns;
  const stableOpenRuns = openRunsRef.current;
  // Same runs, same array: sorting the table must not redraw every chart.
  const plottedRef = useRef<PanelRun[]>(plotted);
  if (JSON.stringify(plottedRef.current) !== JSON.stringify(plotted)) plottedRef.current = plotted;
  const stablePlotted = plottedRef.current;
  // Which runs the charts draw, for the table to mark the others.
  const drawn = useMemo(() => new Set(stablePlotted.map((p) => p.key)), [stablePlotted]);
  const live = plotted.some((p) => rows.find((r) => r.key === p.key)?.run.state === "running");
  // Charts are made of what the runs logged (per-key counters on the server, over every run of the
  // project), not of their summaries: define_metric(summary="min") makes a summary {"min": x}.
  const keysQuery = useQuery({
    ...projectKeysQuery(entity, project, "history"),
    refetchInterval: live ? 15_000 : false,
  });
  const systemKeysQuery = useQuery({
    ...projectKeysQuery(entity, project, "system"),
    refetchInterval: live ? 15_000 : false,
  });
  const loggedKeys = useMemo(() => (keysQuery.data?.keys ?? []).filter((k) => k.kind === "number").map((k) => k.key), [keysQuery.data]);
  // Every definition of every run (not only the drawn ones), so panels do not come and go with the
  // table's filter.
  const allDefinitions = useMemo(() => rows.map((r) => asDefinitions(r.run.metric_definitions)), [rows]);
  // Every logged metric gets its chart, step metrics (`epoch`, `trainer/global_step`) included, as
  // in W&B; only `define_metric(..., hidden=True)` keeps one out.
  const metricKeys = useMemo(() => {
    const sys = (systemKeysQuery.data?.keys ?? []).filter((k) => k.kind === "number").map((k) => k.key);
    return [...loggedKeys.filter((k) => !isHidden(allDefinitions, k)), ...sys];
  }, [loggedKeys, systemKeysQuery.data, allDefinitions]);
  // The X axis menu offers the usual axis keys and every step metric a run defined.
  const axisKeys = useMemo(() => {
    const steps = new Set(allDefinitions.flatMap((defs) => defs.map((d) => d.step_metric).filter((m): m is string => Boolean(m))));
    return loggedKeys.filter((k) => !k.includes("/") || AXIS_KEYS.has(k) || steps.has(k));
  }, [loggedKeys, allDefinitions]);
  const keysLoaded = !keysQuery.isPending && !systemKeysQuery.isPending;
  // A saved view in the URL (`view=<id>`) brings its own layout; otherwise the user's own.
  const savedView = table.withTable(useSavedView(entity, project, metricKeys, useWorkspaceLayout(user, entity, project, metricKeys)));
  const panelLayout = savedView.panelLayout;
  const onPickColor = usePickedColors(entity, project, panelLayout);
  // Panels wait for the saved layout, the keys and the runs (asked for in parallel) rather than jump
  // into place: the runs' definitions say which metrics are hidden (charts need the runs anyway).
  const runsLoaded = !runsQuery.isPending;
  const sections = useMemo(
    () => (panelLayout.loaded && keysLoaded && runsLoaded ? viewSections(panelLayout.layout, metricKeys, panelSearch) : []),
    [panelLayout.loaded, keysLoaded, runsLoaded, panelLayout.layout, metricKeys, panelSearch],
  );
  const sectionNames = useMemo(() => [...new Set(panelLayout.layout.panels.map((p) => p.section))], [panelLayout.layout]);
  // Bar and scatter panels read the plotted runs' summaries and configs.
  // Grouped, they draw groups: every visible run of the drawn groups, in its group's colour
  // (lib/groupSummary.ts; the groups' means come from the server).
  const summaryRuns: SummaryRun[] = useMemo(() => {
    if (groupBy) return groupedSummaryRuns(chartOrder, groupBy, stableGroups, hidden);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return stablePlotted.map((p) => ({ key: p.key, name: p.name, color: p.color, config: byKey.get(p.key)?.config ?? {}, summary: byKey.get(p.key)?.summary ?? {} }));
  }, [rows, stablePlotted, groupBy, stableGroups, chartOrder, hidden]);
  // Keyed on the URL strings, not the parsed objects, so panels keep their data between renders.
  const xParam = search.get("x");
  const smoothParam = search.get("smooth");
  const { allRuns, runFilter: typedFilter } = useSweepPanelRuns(chartRows, hidden, filterText, configKeys, summaryKeys);
  // Grouped charts and importance select their runs on the server: archived ones only when shown.
  const runFilter = useMemo(() => withArchived(typedFilter, showArchived), [typedFilter, showArchived]);
  const hiddenIds = useMemo(() => hiddenList.map((k) => k.split("/")[2] ?? "").sort(), [hiddenList]);
  const groupSpec: GroupSpec | null = useMemo(
    () => (groupBy ? { entity, project, by: groupBy, filter: runFilter, exclude: hiddenIds, groups: stableGroups, runs: stableOpenRuns } : null),
    [groupBy, entity, project, runFilter, hiddenIds, stableGroups, stableOpenRuns],
  );
  const baseSettings = useMemo(
    () => ({ xAxis: parseX(xParam), smoothing: parseSmoothing(smoothParam), logScale: false, grouped: Boolean(groupBy), band, groups: groupSpec, live, legend }),
    [xParam, smoothParam, groupBy, band, groupSpec, live, legend],
  );
  const lineSettings = useLineSettings(baseSettings);
  // The first screen's charts are asked for now, while this page still has the runs table and
  // every panel to render: their answers arrive during that work instead of after it.
  const queryClient = useQueryClient();
  const zoomParam = search.get("zoom");
  const firstCharts = useMemo(() => {
    if (groupSpec) return []; // grouped charts ask for their groups' series instead
    const zooms = parseZooms(zoomParam);
    const lines = sections
      .filter((s) => s.name !== "system")
      .flatMap((s) => s.panels)
      .filter((p): p is LinePanel => p.type === "line")
      .slice(0, FIRST_SCREEN_CHARTS);
    return lines.map((p): SeriesParams => {
      const settings = lineSettings(p);
      return { runs: stablePlotted, keys: p.metrics, stream: settings.stream, xAxis: chartAxis(settings, stablePlotted, p.metrics).xAxis, zoom: zooms[p.metrics.join("\n")] ?? null, live: settings.live };
    });
  }, [sections, stablePlotted, lineSettings, zoomParam, groupSpec]);
  prefetchCharts(queryClient, firstCharts);

  // The runs table re-renders only when its own props change (it is memoized), so its handlers and
  // derived props keep their identity between renders.
  const pinnedColumns = useMemo(() => pinned.filter((p) => columnIds.includes(p)), [pinned, columnIds]);
  const onToggleHidden = useCallback((k: string) => table.set("hiddenRuns", toggle(hiddenList, k)), [hiddenList, table.set]);
  const onToggleGroup = useCallback((l: string) => setExpanded((s) => new Set(toggle([...s], l))), []);
  // The table takes the groups to keep closed: every group not opened.
  const collapsed = useMemo(() => {
    if (!groupBy) return new Set<string>();
    return new Set(filtered.map((r) => runGroup(groupBy, (id) => columnValue(r, id)).label).filter((l) => !expanded.has(l)));
  }, [filtered, groupBy, expanded]);
  const groupChoices = useMemo(() => columnIds.filter((c) => !UNGROUPABLE.has(c)), [columnIds]);
  const onGroupKeys = useCallback((keys: string[]) => setParams({ group: formatGroupParam(keys) }), []);
  const onTogglePin = useCallback((id: string) => table.set("pinned", toggle(pinned, id)), [pinned, table.set]);
  const onToggleSelected = useCallback((k: string) => setSelected((s) => new Set(toggle([...s], k))), []);
  const onSelectAll = useCallback((next: Set<string>) => setSelected(next), []);
  const onSorting = useCallback((s: SortingState) => setParams({ sort: s.map((x) => (x.desc ? "-" : "") + x.id).join(",") || null }), []);
  // Memoized with the panels (PanelSections is memo): typing in the filter box or sorting the
  // table must not re-render every chart.
  // What "+ Panel" and the panel editor offer.
  const panelChoices = useMemo(
    () => ({
      metrics: metricKeys,
      axes: [...loggedKeys].sort(),
      summaryNumeric: numericKeys.filter((k) => !AXIS_KEYS.has(k)).sort(),
      fields: numericFields(rows),
      configKeys,
      sections: sectionNames,
      // The run comparer's and scalar's runs; the media panel's keys (logged values that are not numbers).
      runs: stablePlotted.map((r) => ({ id: r.id, name: r.name })),
      mediaKeys: (keysQuery.data?.keys ?? []).filter((k) => k.kind === "other").map((k) => k.key).sort(),
    }),
    [metricKeys, loggedKeys, numericKeys, rows, configKeys, sectionNames, stablePlotted, keysQuery.data],
  );
  const panelContext: PanelContext = useMemo(
    () => ({
      runs: stablePlotted,
      summaryRuns,
      grouping: groupSpec ? { spec: groupSpec, band, live } : null,
      lineSettings,
      sectionNames,
      update: panelLayout.update,
      onOpenRun: (key: string) => navigate(paths.run(entity, project, key.split("/")[2] ?? "")),
      entity,
      project,
      allRuns,
      runFilter,
      panelChoices,
      live,
    }),
    [stablePlotted, summaryRuns, groupSpec, band, lineSettings, sectionNames, panelLayout.update, entity, project, allRuns, runFilter, panelChoices, live],
  );
  const chartSections = useMemo(() => sections.filter((s) => s.name !== "system"), [sections]);
  const systemSections = useMemo(() => sections.filter((s) => s.name === "system"), [sections]);
  if (runsQuery.isPending) return <div className="loading">Loading runs…</div>;
  if (runsQuery.isError) return <Empty title="Could not load runs">{(runsQuery.error as Error).message}</Empty>;
  if (rows.length === 0)
    return (
      <Empty title={`No runs in ${entity}/${project} yet`} snippet>
        <p>Runs appear here as soon as they start logging.</p>
        {!showArchived && (
          <p>
            <button onClick={() => setParams({ archived: "1" })} data-testid="show-archived-empty">
              Show archived runs
            </button>
          </p>
        )}
      </Empty>
    );

  return (
    <div className="workspace">
      <WorkspaceToolbar
        entity={entity}
        project={project}
        savedView={savedView}
        filterText={filterText}
        filterError={filterError}
        groupKeys={groupKeys}
        groupChoices={groupChoices}
        onGroupKeys={onGroupKeys}
        band={band}
        onColumns={() => setShowPicker(!showPicker)}
        selected={selected}
        shown={filtered.length}
        total={rows.length}
      />
      <RunsBulkBar entity={entity} project={project} rows={rows} selected={selected} onSelected={onSelectAll} showArchived={showArchived} />
      {showPicker && <ColumnPicker columnIds={columnIds} hidden={hiddenCols} labels={tableView.labels} onChange={setHiddenCols} />}
      <SplitBody split={tableView.split} onSplit={tableView.setSplit}>
        <RunsTable
          rows={filtered}
          columnIds={columnIds}
          visibility={tableView.visibility}
          pinned={pinnedColumns}
          groupBy={groupBy}
          hidden={hidden}
          drawn={drawn}
          collapsed={collapsed}
          onToggleHidden={onToggleHidden}
          onToggleGroup={onToggleGroup}
          onTogglePin={onTogglePin}
          selected={selected}
          onToggleSelected={onToggleSelected}
          onSelectAll={onSelectAll}
          sorting={sorting}
          onSorting={onSorting}
          labels={tableView.labels}
          widths={tableView.widths}
          onColumnWidth={tableView.onColumnWidth}
          onPickColor={onPickColor}
        />
        <div className="panels">
          <PanelsToolbar panelSearch={panelSearch} xAxis={xAxis} axisKeys={axisKeys} smoothing={smoothing} maxRuns={maxRuns} legend={legend} layout={panelLayout} onAddPanel={() => setAddingPanel(true)} />
          <PanelSections sections={chartSections} ctx={panelContext} />
          <WorkspaceMedia runs={stablePlotted} live={live} search={panelSearch} noCharts={keysLoaded && metricKeys.length === 0} showEmpty={panelLayout.loaded && sections.length === 0} />
          <PanelSections sections={systemSections} ctx={panelContext} />
          {addingPanel && (
            <AddPanelDialog
              choices={panelChoices}
              onAdd={(panel) => panelLayout.update((l) => addPanel(l, panel))}
              onClose={() => setAddingPanel(false)}
            />
          )}
        </div>
      </SplitBody>
    </div>
  );
}
