/**
 * The two workspace panels sweeps brought, for any project: parallel coordinates of the workspace's
 * runs (every run the filter shows that is not hidden; axes chosen from config and summary fields)
 * and parameter importance of config keys for a summary metric, asked of the server over the runs
 * the workspace's filter selects. The sweep page draws with the same components.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { sweepsApi } from "../api/sweeps";
import { HEIGHT_PX, updatePanel, type ImportancePanel, type Layout, type ParallelPanel } from "../lib/layout";
import { runColor, useColorVersion } from "../lib/panels";
import { useDebounced } from "../lib/storage";
import { fieldValue, type SummaryRun } from "../lib/summaryPlots";
import { serverRunFilter } from "../lib/workspaceRuns";
import { ImportanceTable } from "./ImportanceTable";
import { ParallelCoordinates } from "./ParallelCoordinates";
import { buildAxes, colorScale, moveAxis, orderAxes, type Brushes, type PcRow } from "./parcoords";
import "./sweeps.css";

export interface SweepPanelContext {
  entity: string;
  project: string;
  /** The runs the workspace shows (filtered, not hidden), with their flattened config and summary. */
  allRuns: SummaryRun[];
  /** The workspace's filter as a runs filter (what the importance is computed over). */
  runFilter: Record<string, unknown> | null;
  update: (change: (layout: Layout) => Layout) => void;
  onOpenRun: (runKey: string) => void;
}

/** What the workspace gives these panels: every run its (settled) filter shows that is not hidden,
 * not only the "Runs in charts", and the filter itself as a runs filter for the server. */
export function useSweepPanelRuns(
  rows: readonly { key: string; run: { display_name: string }; config: Record<string, unknown>; summary: Record<string, unknown> }[],
  hidden: ReadonlySet<string>,
  filterText: string,
  configKeys: readonly string[],
  summaryKeys: readonly string[],
): { allRuns: SummaryRun[]; runFilter: Record<string, unknown> | null } {
  const colorVersion = useColorVersion(); // a picked run colour (lib/panels)
  const allRuns = useMemo(
    () => rows.filter((r) => !hidden.has(r.key)).map((r) => ({ key: r.key, name: r.run.display_name, color: runColor(r.key), config: r.config, summary: r.summary })),
    [rows, hidden, colorVersion],
  );
  const settled = useDebounced(filterText, 300);
  // A filter that does not parse: the workspace shows its error; importance keeps its last answer.
  const runFilter = useMemo(() => serverRunFilter(settled, { configKeys, summaryKeys }), [settled, configKeys, summaryKeys]);
  return { allRuns, runFilter };
}

const short = (field: string): string => field.replace(/^(summary|config)\./, "");

function Head({ title, count, tools, testid }: { title: string; count?: string; tools: React.ReactNode; testid?: string }): React.JSX.Element {
  return (
    <div className="panel-head" data-testid={testid}>
      <span className="panel-title" title={title}>
        {title} {count && <span className="muted">{count}</span>}
      </span>
      <span className="panel-tools">{tools}</span>
    </div>
  );
}

export function ParallelPanelView({ panel, ctx, tools }: { panel: ParallelPanel; ctx: SweepPanelContext; tools: React.ReactNode }): React.JSX.Element {
  const [brushes, setBrushes] = useState<Brushes>({});
  const height = HEIGHT_PX[panel.size.height] + 60;
  const colorField = panel.color ?? panel.axes[panel.axes.length - 1] ?? null;
  const rows: PcRow[] = useMemo(
    () => ctx.allRuns.map((r) => ({ key: r.key, name: r.name, values: Object.fromEntries([...new Set([...panel.axes, ...(colorField ? [colorField] : [])])].map((f) => [f, fieldValue(r, f)])) })),
    [ctx.allRuns, panel.axes, colorField],
  );
  const logs = useMemo(() => new Set(panel.log_axes ?? []), [panel.log_axes]);
  const axes = useMemo(() => orderAxes(buildAxes(panel.axes.map((f) => ({ key: f, label: short(f), log: logs.has(f) })), rows), panel.axes), [panel.axes, rows, logs]);
  const scale = useMemo(() => (colorField ? colorScale(rows.map((r) => r.values[colorField]), colorField.startsWith("summary.") && /loss|err/i.test(colorField) ? "minimize" : "maximize") : null), [rows, colorField]);
  const save = (change: (p: ParallelPanel) => ParallelPanel): void => ctx.update((l) => updatePanel(l, panel.id, (p) => (p.type === "parallel" ? change(p) : p)));
  return (
    <div className="panel" data-testid="panel" data-panel-type="parallel" data-count={rows.length}>
      <Head title={panel.title || "Parallel coordinates"} count={`${rows.length} runs`} tools={tools} />
      {axes.length < 2 ? (
        <div className="panel-empty" style={{ height }}>
          No visible run has values for these axes ({panel.axes.map(short).join(", ")})
        </div>
      ) : (
        <ParallelCoordinates
          rows={rows}
          axes={axes}
          scale={scale}
          colorKey={colorField}
          brushes={brushes}
          onBrushes={setBrushes}
          onReorder={(order) => save((p) => ({ ...p, axes: order }))}
          onOpen={ctx.onOpenRun}
          height={height}
        />
      )}
      <div className="pc-axis-tools">
        {axes
          .filter((a) => a.kind !== "category")
          .map((a) => (
            <button key={a.key} className={`chip${logs.has(a.key) ? " on" : ""}`} title={`Log scale on ${a.label}`} onClick={() => save((p) => ({ ...p, log_axes: logs.has(a.key) ? (p.log_axes ?? []).filter((x) => x !== a.key) : [...(p.log_axes ?? []), a.key] }))}>
              log {a.label}
            </button>
          ))}
        {axes.length > 2 && (
          <button className="chip" title="Move the last axis to the front" onClick={() => save((p) => ({ ...p, axes: moveAxis(p.axes, p.axes[p.axes.length - 1] ?? "", 0) }))}>
            rotate axes
          </button>
        )}
      </div>
    </div>
  );
}

export function ImportancePanelView({ panel, ctx, tools }: { panel: ImportancePanel; ctx: SweepPanelContext; tools: React.ReactNode }): React.JSX.Element {
  const q = useQuery({
    queryKey: ["importance", ctx.entity, ctx.project, panel.metric, JSON.stringify(ctx.runFilter ?? null), JSON.stringify(panel.params ?? null), ctx.allRuns.length],
    queryFn: () => sweepsApi.importance(ctx.entity, ctx.project, panel.metric, ctx.runFilter, panel.params ?? null),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const height = HEIGHT_PX[panel.size.height];
  return (
    <div className="panel" data-testid="panel" data-panel-type="importance" data-count={q.data?.params.length ?? 0}>
      <Head title={panel.title || `Parameter importance with respect to ${panel.metric}`} count={q.data ? `${q.data.run_count} runs` : undefined} tools={tools} />
      <div className="importance-panel" style={{ maxHeight: height + 60 }}>
        {q.isPending && <div className="muted">Computing…</div>}
        {q.isError && (
          <div className="filter-error" role="alert">
            {(q.error as Error).message}
          </div>
        )}
        {q.data && <ImportanceTable data={q.data} />}
      </div>
    </div>
  );
}
