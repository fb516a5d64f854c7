/**
 * Compare runs (chosen with the runs table's checkboxes, `?runs=a,b,c`): their config and summary
 * side by side, a row per key and a column per run, only the keys whose values differ unless "only
 * differences" is unticked; then the metrics every run logged, one chart each with the runs
 * overlaid (the workspace's own line chart). Keys and names are shown as logged, case included.
 */
import { useQueries, useQuery } from "@tanstack/react-query";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import type { RunOut } from "../api/client";
import { Empty } from "../components/Empty";
import { MetricPanel, type ChartSettings, type PanelRun } from "../components/MetricPanel";
import "../components/tablecompare.css";
import { commonMetrics, compareRows, type CompareRow } from "../lib/compare";
import { flatten, value } from "../lib/format";
import { layoutQuery } from "../lib/layoutSync";
import { assignRunColors, buildSections, runColor, setPickedColors, useColorVersion } from "../lib/panels";
import { runKeysQuery, runQuery, runsQuery } from "../lib/queries";
import { summaryColumnLabels } from "../lib/runColumns";
import { asDefinitions, isHidden } from "../lib/stepMetric";
import { Link, compareRunIds, paths, useLocation } from "../router";

const runKey = (r: RunOut): string => `${r.entity}/${r.project}/${r.id}`;

export function Compare({ entity, project, user }: { entity: string; project: string; user: string }): React.JSX.Element {
  useLocation(); // re-render when the URL changes
  const ids = compareRunIds(window.location.search);
  const [onlyDiff, setOnlyDiff] = useState(true);
  const results = useQueries({ queries: ids.map((id) => runQuery(entity, project, id)) });
  const loaded = results.map((r) => r.data).filter((r) => r !== undefined);
  // The same runs, the same array (their charts keep their data between renders): the query cache
  // keeps each answer's identity until it changes.
  const stable = useRef(loaded);
  if (stable.current.length !== loaded.length || stable.current.some((r, i) => r !== loaded[i])) stable.current = loaded;
  const runs = stable.current;
  // Colours as in the workspace: by creation order over the project's runs (cached when the user
  // came from the workspace).
  const project_ = useQuery(runsQuery(entity, project));
  useMemo(() => {
    const all = project_.data ?? [];
    if (all.length) assignRunColors(all.map((r) => ({ key: runKey(r), created: r.created_at })));
  }, [project_.data]);
  // ... and the colours the user picked in the workspace (their saved layout's run_colors).
  const layout = useQuery(layoutQuery(user, entity, project));
  const picked = layout.data?.layout.run_colors;
  useLayoutEffect(() => setPickedColors(entity, project, picked), [entity, project, picked]);
  useColorVersion();
  const config = useMemo(() => compareRows(runs.map((r) => flatten(r.config as Record<string, unknown>))), [runs]);
  const summary = useMemo(() => compareRows(runs.map((r) => flatten(r.summary as Record<string, unknown>))), [runs]);
  const labels = useMemo(() => summaryColumnLabels(runs.map((r) => ({ summary: flatten(r.summary as Record<string, unknown>), definitions: r.metric_definitions }))), [runs]);
  const missing = ids.length - loaded.length;
  const failed = results.filter((r) => r.isError).length;
  if (ids.length < 2) return <Empty title="Select two or more runs in the table to compare them" />;
  const shownConfig = onlyDiff ? config.filter((r) => r.differs) : config;
  const shownSummary = onlyDiff ? summary.filter((r) => r.differs) : summary;
  const differ = (rows: CompareRow[]): number => rows.filter((r) => r.differs).length;
  return (
    <div className="page compare-page">
      <div className="page-head">
        <h1>
          <Link to={paths.workspace(entity, project)}>
            {entity}/{project}
          </Link>{" "}
          / compare {ids.length} runs
        </h1>
        <label title="Show only the keys whose values differ between the runs">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} data-testid="compare-only-diff" /> only differences
        </label>
        <span className="muted" data-testid="compare-counts">
          config: {differ(config)} of {config.length} keys differ · summary: {differ(summary)} of {summary.length}
        </span>
        {failed > 0 && missing > 0 && (
          <span className="filter-error" role="alert">
            {failed === 1 ? "1 run" : `${failed} runs`} of the link could not be loaded (deleted, or no such run)
          </span>
        )}
      </div>
      <table className="grid-table compare-table" data-testid="compare">
        <thead>
          <tr>
            <th>Key</th>
            {runs.map((r) => (
              <th key={r.id} data-run={r.id}>
                <span className="swatch" style={{ background: runColor(runKey(r)) }} />{" "}
                <Link to={paths.run(r.entity, r.project, r.id)}>{r.display_name}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <Section name="config" title="Config" rows={shownConfig} all={config.length} onlyDiff={onlyDiff} width={runs.length + 1} label={(k) => k} />
          <Section name="summary" title="Summary" rows={shownSummary} all={summary.length} onlyDiff={onlyDiff} width={runs.length + 1} label={(k) => labels.get(`s:${k}`)?.label ?? k} />
        </tbody>
      </table>
      {runs.length >= 2 && <CompareCharts runs={runs} />}
    </div>
  );
}

/** One part of the table (config or summary): a heading row, then a row per key. */
function Section(props: { name: string; title: string; rows: CompareRow[]; all: number; onlyDiff: boolean; width: number; label: (key: string) => string }): React.JSX.Element {
  return (
    <>
      <tr className="section-row">
        <th colSpan={props.width}>
          {props.title}
          {props.rows.length === 0 && <span className="muted"> · {props.all === 0 ? "none logged" : props.onlyDiff ? "identical in every run" : "none"}</span>}
        </th>
      </tr>
      {props.rows.map((r) => (
        <tr key={r.key} className={r.differs ? "differs" : ""} data-testid="compare-row" data-section={props.name} data-key={r.key} data-differs={r.differs}>
          <th title={r.key}>{props.label(r.key)}</th>
          {r.values.map((v, i) =>
            v === undefined ? (
              <td key={i} className={r.changed[i] ? "missing changed" : "missing"}>
                –
              </td>
            ) : (
              <td key={i} title={value(v)} className={r.changed[i] ? "changed" : undefined}>
                {value(v)}
              </td>
            ),
          )}
        </tr>
      ))}
    </>
  );
}

/** Charts of the metrics every compared run logged, the runs overlaid, in the order of the
 * workspace's sections (`train/`, `val/`, ...). */
function CompareCharts({ runs }: { runs: RunOut[] }): React.JSX.Element {
  const keys = useQueries({ queries: runs.map((r) => runKeysQuery(r.entity, r.project, r.id, "history")) });
  const pending = keys.some((k) => k.isPending);
  const keysId = JSON.stringify(keys.map((k) => (k.data?.keys ?? []).filter((x) => x.kind === "number").map((x) => x.key)));
  const colorVersion = useColorVersion();
  const plotRuns: PanelRun[] = useMemo(
    () => runs.map((r) => ({ key: runKey(r), entity: r.entity, project: r.project, id: r.id, name: r.display_name, color: runColor(runKey(r)), start: r.created_at, definitions: asDefinitions(r.metric_definitions) })),
    [runs, colorVersion],
  );
  const sections = useMemo(() => {
    const defs = plotRuns.map((r) => r.definitions ?? []);
    return buildSections(commonMetrics(JSON.parse(keysId) as string[][]).filter((k) => !isHidden(defs, k)));
  }, [keysId, plotRuns]);
  const live = runs.some((r) => r.state === "running");
  const settings: ChartSettings = useMemo(() => ({ xAxis: "step", autoStep: true, smoothing: { kind: "none", param: 0 }, logScale: false, grouped: false, live, stream: "history" }), [live]);
  return (
    <section className="compare-charts" data-testid="compare-charts">
      <h2>Metrics logged by every run</h2>
      {pending ? (
        <div className="loading">Loading…</div>
      ) : sections.length === 0 ? (
        <p className="muted">These runs logged no metric in common.</p>
      ) : (
        // One grid, in the workspace's section order (train/ before val/ ...): a handful of charts
        // side by side rather than a row per section.
        <div className="panel-grid">
          {sections.flatMap((s) => s.keys).map((k) => (
            <MetricPanel key={k} metric={k} runs={plotRuns} settings={settings} />
          ))}
        </div>
      )}
    </section>
  );
}
