/**
 * The workspace's panels in their sections, as the saved layout orders and sizes them: line charts
 * (MetricPanel), bar and scatter panels, parallel coordinates and parameter importance (sweeps/panels.tsx). Panels move by drag and drop (within and across sections;
 * drop on a section's title to append there) or by the panel menu and arrow keys on the handle.
 */
import { memo, useMemo, useState } from "react";
import { editPanel, HEIGHT_PX, movePanel, movePanelBy, panelTitle, removePanel, resizePanel, updatePanel, type Layout, type LayoutSection, type LinePanel, type PanelSpec } from "../lib/layout";
import { selectByKey, selectRuns, withGroupChoice, type RunSelection } from "../lib/panelEdit";
import { rowsOfGroups, useGroupedSummary, type SummaryGrouping } from "../lib/groupSummary";
import { barData, scatterData, type SummaryRun } from "../lib/summaryPlots";
import { ImportancePanelView, ParallelPanelView, type SweepPanelContext } from "../sweeps/panels";
import type { PanelChoices } from "./AddPanelDialog";
import { MetricPanel, type ChartSettings, type PanelRun } from "./MetricPanel";
import { DragHandle, PANEL_MIME, PanelMenu, type PanelActions } from "./PanelChrome";
import { PanelEditor } from "./PanelEditor";
import { FullScreen, fullScreenZoomId, PanelOpeners, useFullScreen } from "./PanelFullScreen";
import { BarChart, ScatterChart } from "./SummaryCharts";
import { isPanelType, PanelTypeView } from "./panelTypes/PanelTypeView";
import "./panels.css";

export interface PanelContext extends SweepPanelContext {
  runs: PanelRun[];
  summaryRuns: SummaryRun[];
  /** The workspace's grouping: bar and scatter panels then draw groups (lib/groupSummary.ts). */
  grouping?: SummaryGrouping | null;
  /** Settings of a line panel: the workspace's, with the panel's own x axis, smoothing and log scale. */
  lineSettings: (panel: LinePanel) => ChartSettings;
  onOpenRun: (runKey: string) => void;
  update: (change: (layout: Layout) => Layout) => void;
  /** Every section name, for "move to section". */
  sectionNames: string[];
  /** What the panel editor offers (the add-panel dialog's choices); absent: the panel's own fields. */
  panelChoices?: PanelChoices;
  /** A drawn run is live: media panels refresh. */
  live?: boolean;
  /** Panels are shown, not changed (a report being read): no editor, handle, menu or remove. */
  readOnly?: boolean;
}

interface Drop {
  section: string;
  index: number;
}

const dragged = (e: React.DragEvent): boolean => e.dataTransfer.types.includes(PANEL_MIME);

function actionsFor(p: PanelSpec, update: PanelContext["update"]): PanelActions {
  return {
    resize: (size) => update((l) => resizePanel(l, p.id, size)),
    moveBy: (delta) => update((l) => movePanelBy(l, p.id, delta)),
    moveToSection: (section) => update((l) => movePanel(l, p.id, section, Number.MAX_SAFE_INTEGER)),
    remove: () => update((l) => removePanel(l, p.id)),
  };
}

function SummaryPanel({ panel, ctx, tools, full }: { panel: Extract<PanelSpec, { type: "bar" | "scatter" }>; ctx: PanelContext; tools: React.ReactNode; full?: number }): React.JSX.Element {
  const height = full ?? HEIGHT_PX[panel.size.height];
  const title = panelTitle(panel);
  const grouped = useGroupedSummary(panel, ctx.grouping ?? null);
  // Grouped, the rows are every run of the drawn groups (a panel's choice of groups applies).
  const summaryRuns = grouped ? rowsOfGroups(ctx.summaryRuns, grouped.groups) : selectByKey(ctx.summaryRuns, ctx.runs, panel.runs);
  let body: React.JSX.Element;
  let count: number;
  if (panel.type === "bar") {
    const bars = grouped ? grouped.bars : barData(summaryRuns, panel.metric, panel.sort);
    count = bars.length;
    body = <BarChart bars={bars} height={height} label={panel.metric} onOpen={ctx.onOpenRun} />;
  } else {
    const points = scatterData(summaryRuns, panel.x, panel.y, panel.log_x, panel.log_y);
    count = points.length;
    const means = grouped?.means.filter((m) => (!panel.log_x || m.x > 0) && (!panel.log_y || m.y > 0));
    body = <ScatterChart points={points} height={height} xLabel={panel.x} yLabel={panel.y} logX={panel.log_x} logY={panel.log_y} onOpen={ctx.onOpenRun} means={means} legend={grouped?.legend} />;
  }
  const empty = grouped?.error ?? (grouped?.pending ? "Loading groups…" : panel.type === "bar" ? `No ${grouped ? "group" : "visible run"} has a numeric ${panel.metric}` : "No visible run has both values as numbers");
  const flip = (field: "log_x" | "log_y") => () => ctx.update((l) => updatePanel(l, panel.id, (p) => (p.type === "scatter" ? { ...p, [field]: !p[field] } : p)));
  return (
    <div className="panel" data-testid="panel" data-panel-type={panel.type} data-count={count}>
      <div className="panel-head">
        <span className="panel-title" title={title}>
          {title}
        </span>
        <span className="panel-tools">
          {panel.type === "scatter" && (
            <>
              <button className={`chip${panel.log_x ? " on" : ""}`} onClick={flip("log_x")} title="Log scale on x">
                log x
              </button>
              <button className={`chip${panel.log_y ? " on" : ""}`} onClick={flip("log_y")} title="Log scale on y">
                log y
              </button>
            </>
          )}
          {tools}
        </span>
      </div>
      {count === 0 || grouped?.error ? <div className="panel-empty" style={{ height }}>{empty}</div> : body}
    </div>
  );
}

/** A panel in the grid, with its editor and its full-screen view (the same panel, window-sized). */
function PanelBody({ panel, ctx }: { panel: PanelSpec; ctx: PanelContext }): React.JSX.Element {
  const title = panelTitle(panel);
  const [editing, setEditing] = useState(false);
  const full = useFullScreen(panel.id);
  const edit = (): void => setEditing(true);
  const tools = ctx.readOnly ? (
    <PanelOpeners title={title} onFullScreen={full.show} />
  ) : (
    <>
      <PanelOpeners title={title} onEdit={edit} onFullScreen={full.show} />
      <DragHandle id={panel.id} title={title} onMove={(d) => ctx.update((l) => movePanelBy(l, panel.id, d))} />
      <PanelMenu title={title} size={panel.size} section={panel.section} sections={ctx.sectionNames} actions={{ ...actionsFor(panel, ctx.update), edit, fullScreen: full.show }} />
    </>
  );
  return (
    <>
      <PanelView panel={panel} ctx={ctx} tools={tools} />
      {full.open && (
        <FullScreen title={title} onClose={full.close} escape={!editing}>
          {(height) => <PanelView panel={panel} ctx={ctx} tools={<PanelOpeners title={title} {...(ctx.readOnly ? {} : { onEdit: edit })} onClose={full.close} />} full={height} />}
        </FullScreen>
      )}
      {editing && (
        <PanelEditor
          panel={panel}
          choices={ctx.panelChoices ?? { metrics: panel.type === "line" ? panel.metrics : [], axes: [], summaryNumeric: [], fields: [], configKeys: [], sections: ctx.sectionNames }}
          runs={ctx.runs}
          groups={panel.type === "line" ? (ctx.lineSettings(panel).groups?.groups ?? []).map((g) => g.label) : []}
          grouped={ctx.runs.some((r) => r.group)}
          onApply={(next) => ctx.update((l) => editPanel(l, panel.id, next))}
          onClose={() => setEditing(false)}
        />
      )}
    </>
  );
}

/** One panel's view by its type; `full` is the chart height of the full-screen view, where a line
 * chart zooms on its own and its cursor does not move the grid's charts. */
function PanelView({ panel, ctx, tools, full }: { panel: PanelSpec; ctx: PanelContext; tools: React.ReactNode; full?: number }): React.JSX.Element {
  // The panel's run selection over the drawn runs; the same array while it keeps them all.
  const selection = panel.type === "line" && panel.runs ? JSON.stringify(panel.runs) : "";
  const runs = useMemo(() => (selection ? selectRuns(ctx.runs, JSON.parse(selection) as RunSelection) : ctx.runs), [ctx.runs, selection]);
  // Grouped, the chart draws the groups it chose (each still over every run of the group).
  const base = panel.type === "line" ? ctx.lineSettings(panel) : null;
  const groups = panel.type === "line" ? (panel.runs?.groups?.join("\n") ?? "") : "";
  const settings = useMemo(() => base && withGroupChoice(base, groups ? groups.split("\n") : null), [base, groups]);
  const big = (p: PanelSpec): PanelSpec => (full ? { ...p, size: { ...p.size, height: "large" } } : p);
  if (panel.type === "parallel") return <ParallelPanelView panel={big(panel) as typeof panel} ctx={ctx} tools={tools} />;
  if (panel.type === "importance") return <ImportancePanelView panel={big(panel) as typeof panel} ctx={ctx} tools={tools} />;
  if (isPanelType(panel)) return <PanelTypeView panel={big(panel) as typeof panel} ctx={ctx} tools={tools} full={full} />;
  if (panel.type !== "line") return <SummaryPanel panel={panel} ctx={ctx} tools={tools} {...(full ? { full } : {})} />;
  return (
    <MetricPanel
      metric={panel.metrics[0] ?? ""}
      metrics={panel.metrics}
      title={panel.title ?? undefined}
      runs={runs}
      settings={settings ?? ctx.lineSettings(panel)}
      height={full ?? HEIGHT_PX[panel.size.height]}
      {...(full ? { panelId: fullScreenZoomId(panel.id), syncGroup: "full" } : ctx.readOnly ? {} : { onRemove: () => ctx.update((l) => removePanel(l, panel.id)) })}
      onLogScale={(on) => ctx.update((l) => updatePanel(l, panel.id, (p) => ({ ...p, log_scale: on })))}
      tools={tools}
    />
  );
}

/** Memoized: the workspace re-renders for the runs table's sake (filter, sort, selection).
 * `headings` false: the panels without their section's title (a report's grid is one section). */
export const PanelSections = memo(function PanelSections({ sections, ctx, headings = true }: { sections: LayoutSection[]; ctx: PanelContext; headings?: boolean }): React.JSX.Element {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [drop, setDrop] = useState<Drop | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const finish = (e: React.DragEvent, target: Drop): void => {
    e.preventDefault();
    const id = e.dataTransfer.getData(PANEL_MIME);
    setDrop(null);
    setDragging(null);
    if (id) ctx.update((l) => movePanel(l, id, target.section, target.index));
  };
  return (
    <>
      {sections.map((s) => {
        const isOpen = open[s.name] ?? true;
        const others = s.panels.filter((p) => p.id !== dragging);
        return (
          <section key={s.name} className="section layout-section" data-testid="section" data-section={s.name}>
            {headings && (
              <h2
                className={drop?.section === s.name && drop.index >= others.length ? "drop-target" : undefined}
                onClick={() => setOpen({ ...open, [s.name]: !isOpen })}
                onDragOver={(e) => {
                  if (!dragged(e)) return;
                  e.preventDefault();
                  setDrop({ section: s.name, index: others.length });
                }}
                onDrop={(e) => finish(e, { section: s.name, index: Number.MAX_SAFE_INTEGER })}
              >
                <span className="caret">{isOpen ? "▾" : "▸"}</span> {s.name} <span className="muted">{s.panels.length}</span>
              </h2>
            )}
            {isOpen && (
              <div
                className={`layout-grid${drop?.section === s.name && drop.index >= others.length ? " drop-end" : ""}`}
                onDragOver={(e) => {
                  if (!dragged(e) || e.target !== e.currentTarget) return;
                  e.preventDefault();
                  setDrop({ section: s.name, index: others.length });
                }}
                onDragLeave={(e) => e.target === e.currentTarget && setDrop(null)}
                onDrop={(e) => finish(e, { section: s.name, index: Number.MAX_SAFE_INTEGER })}
              >
                {s.panels.map((p) => {
                  const index = others.findIndex((o) => o.id === p.id);
                  const here = drop?.section === s.name;
                  const cls = [
                    "panel-slot",
                    `w-${p.size.width}`,
                    p.id === dragging ? "dragging" : "",
                    here && index >= 0 && drop.index === index ? "drop-before" : "",
                    here && index >= 0 && drop.index === index + 1 && index === others.length - 1 ? "drop-after" : "",
                  ];
                  return (
                    <div
                      key={p.id}
                      className={cls.filter(Boolean).join(" ")}
                      data-testid="panel-slot"
                      data-panel-id={p.id}
                      data-width={p.size.width}
                      data-height={p.size.height}
                      onDragStart={() => setDragging(p.id)}
                      onDragEnd={() => {
                        setDragging(null);
                        setDrop(null);
                      }}
                      onDragOver={(e) => {
                        if (!dragged(e) || index < 0) return;
                        e.preventDefault();
                        const box = e.currentTarget.getBoundingClientRect();
                        const after = e.clientX > box.left + box.width / 2;
                        const at = after ? index + 1 : index;
                        if (drop?.section !== s.name || drop.index !== at) setDrop({ section: s.name, index: at });
                      }}
                      onDrop={(e) => {
                        e.stopPropagation();
                        if (index < 0) return; // dropped on itself: stays
                        finish(e, drop?.section === s.name ? drop : { section: s.name, index });
                      }}
                    >
                      <PanelBody panel={p} ctx={ctx} />
                    </div>
                  );
                })}
              </div>
            )}
          </section>
        );
      })}
    </>
  );
});
