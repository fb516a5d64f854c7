/**
 * One sweep (`/<entity>/<project>/sweeps/<id>`, the address `run.sweep_url` prints): state and
 * controls, config and agent command, then how the search went: the metric over run order with the
 * running best, parallel coordinates of the swept parameters and the metric (brush to filter the
 * runs below), parameter importance, the metric against any parameter, and the runs best first.
 * Brushes, axis order and the scatter's parameter are in the URL. It refreshes while it runs.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { sweepKeys, sweepsApi, type SweepOut } from "../api/sweeps";
import { Empty } from "../components/Empty";
import { navigate, paths, setParams, useParam } from "../router";
import { MetricOverRuns, ParamScatter } from "./charts";
import { ImportanceTable } from "./ImportanceTable";
import { ParallelCoordinates } from "./ParallelCoordinates";
import { buildAxes, buildAxis, colorScale, decodeBrushes, encodeBrushes, orderAxes, selectRows, type AxisSpec, type PcRow } from "./parcoords";
import { SweepFacts, SweepTitle } from "./SweepOverview";
import { SweepRunsTable } from "./SweepRunsTable";
import { joinTrials, runningBest, sweptParams } from "./sweepData";

const LIVE_MS = 5000;

export function SweepPage({ entity, project, sweepId }: { entity: string; project: string; sweepId: string }): React.JSX.Element {
  const sweepQ = useQuery({
    queryKey: sweepKeys.sweep(entity, project, sweepId),
    queryFn: () => sweepsApi.get(entity, project, sweepId),
    refetchInterval: (q) => (q.state.data?.state === "running" || q.state.data?.state === "paused" ? LIVE_MS : false),
  });
  if (sweepQ.isPending) return <div className="loading">Loading sweep…</div>;
  if (sweepQ.isError)
    return (
      <Empty title={`Could not load sweep ${sweepId}`}>
        <p className="filter-error">{(sweepQ.error as Error).message}</p>
        <p>
          <a href={paths.sweeps(entity, project)}>All sweeps of {project}</a>
        </p>
      </Empty>
    );
  return <SweepBody sweep={sweepQ.data} />;
}

function SweepBody({ sweep }: { sweep: SweepOut }): React.JSX.Element {
  const { entity, project, id } = sweep;
  const active = sweep.state === "running" || sweep.state === "paused";
  const trialsQ = useQuery({
    queryKey: [...sweepKeys.sweep(entity, project, id), "runs"],
    queryFn: () => sweepsApi.runs(entity, project, id),
    refetchInterval: active ? LIVE_MS : false,
  });
  const recordsQ = useQuery({
    queryKey: [...sweepKeys.sweep(entity, project, id), "records"],
    queryFn: () => sweepsApi.runRecords(entity, project, id),
    refetchInterval: active ? LIVE_MS : false,
  });
  const params = useMemo(() => sweptParams(sweep.parameters ?? []), [sweep.parameters]);
  const trials = useMemo(() => joinTrials(trialsQ.data?.runs ?? [], recordsQ.data ?? []), [trialsQ.data, recordsQ.data]);
  const goal = sweep.metric_goal;
  const metric = sweep.metric_name ?? null;
  const ranked = trials; // the server answers the trials best first (by the metric's goal)
  const best = sweep.best_run_id ?? null;
  const bestName = trials.find((t) => t.id === best)?.name ?? null;
  const points = useMemo(() => runningBest(trials.filter((t) => t.started), goal), [trials, goal]);
  const scale = useMemo(() => colorScale(trials.map((t) => t.value), goal), [trials, goal]);

  // Parallel coordinates: the swept parameters, then the metric (its own key, even if a
  // parameter had the same name).
  const metricKey = metric && !params.some((p) => p.name === metric) ? metric : metric ? `metric: ${metric}` : null;
  const rows: PcRow[] = useMemo(
    () => trials.filter((t) => t.started).map((t) => ({ key: t.id, name: t.name, values: metricKey ? { ...t.params, [metricKey]: t.value } : t.params })),
    [trials, metricKey],
  );
  const specs: AxisSpec[] = useMemo(() => [...params.map((p) => ({ key: p.name, log: p.log, categorical: p.categorical, values: p.values })), ...(metricKey ? [{ key: metricKey }] : [])], [params, metricKey]);
  const orderParam = useParam("axes");
  const brushParam = useParam("pc");
  const axes = useMemo(() => orderAxes(buildAxes(specs, rows), orderParam ? orderParam.split("|").map(decodeURIComponent) : null), [specs, rows, orderParam]);
  const brushes = useMemo(() => decodeBrushes(brushParam), [brushParam]);
  const selected = useMemo(() => selectRows(rows, axes, brushes), [rows, axes, brushes]);
  const brushed = Object.keys(brushes).length > 0;
  const shown = useMemo(() => (brushed ? ranked.filter((t) => selected.has(t.id)) : ranked), [brushed, ranked, selected]);

  const xParam = useParam("x");
  const scatterName = params.find((p) => p.name === xParam)?.name ?? params[0]?.name ?? null;
  const scatterAxis = useMemo(() => {
    const p = params.find((x) => x.name === scatterName);
    return p ? buildAxis({ key: p.name, log: p.log, categorical: p.categorical, values: p.values }, rows) : null;
  }, [params, scatterName, rows]);

  const valued = trials.filter((t) => t.value !== null).length;
  const importanceQ = useQuery({
    queryKey: [...sweepKeys.importance(entity, project, metric ?? "", { sweep: id }, params.map((p) => p.name)), trials.length, valued],
    queryFn: () => sweepsApi.importance(entity, project, metric ?? "", { sweep: id }, params.map((p) => p.name)),
    enabled: metric !== null && params.length > 0 && valued >= 2,
    staleTime: 30_000,
    placeholderData: (prev) => prev,
  });
  const open = (runId: string): void => navigate(paths.run(entity, project, runId));

  return (
    <div className="page sweep-page" data-testid="sweep-page">
      <SweepTitle sweep={sweep} />
      <SweepFacts sweep={sweep} bestName={bestName} />
      {trialsQ.isError && <div className="filter-error">Could not load the sweep's runs: {(trialsQ.error as Error).message}</div>}
      {trials.length === 0 && trialsQ.isSuccess && (
        <Empty title="No runs yet">
          <p>Start an agent with the command above: each agent asks the server for parameters, runs your program with them and reports back.</p>
        </Empty>
      )}
      {trials.length > 0 && (
        <>
          {metric && (
            <section className="sweep-card">
              <h2>
                {metric} over runs <span className="muted">each run's best value in the order the runs started; the line is the best so far</span>
              </h2>
              {valued > 0 ? <MetricOverRuns points={points} metric={metric} scale={scale} best={best} height={240} onOpen={open} /> : <p className="muted">No run has logged {metric} yet.</p>}
            </section>
          )}
          <section className="sweep-card">
            <h2>
              Parallel coordinates <span className="muted">{rows.length === 1 ? "1 run" : `${rows.length} runs`}</span>
            </h2>
            <ParallelCoordinates
              rows={rows}
              axes={axes}
              scale={metricKey ? colorScale(rows.map((r) => r.values[metricKey]), goal) : null}
              colorKey={metricKey}
              brushes={brushes}
              onBrushes={(b) => setParams({ pc: encodeBrushes(b) })}
              onReorder={(order) => setParams({ axes: order.map(encodeURIComponent).join("|") })}
              onOpen={open}
              highlight={best}
              height={320}
            />
          </section>
          <div className="sweep-two">
            <section className="sweep-card">
              <h2>
                Parameter importance {metric && <span className="muted">with respect to {metric}</span>}
              </h2>
              {!metric && <p className="muted">The sweep has no metric: importance needs one.</p>}
              {metric && valued < 2 && <p className="muted">Needs at least two runs with {metric}.</p>}
              {importanceQ.isError && <p className="filter-error">{(importanceQ.error as Error).message}</p>}
              {importanceQ.data && valued >= 2 && <ImportanceTable data={importanceQ.data} />}
              {importanceQ.data && <p className="muted small">Random forest and linear correlation over {importanceQ.data.run_count} runs; importance sums to 1.</p>}
            </section>
            <section className="sweep-card">
              <h2 className="scatter-head">
                {metric ?? "metric"} against{" "}
                <select value={scatterName ?? ""} onChange={(e) => setParams({ x: e.target.value })} aria-label="parameter" data-testid="scatter-param">
                  {params.map((p) => (
                    <option key={p.name}>{p.name}</option>
                  ))}
                </select>
              </h2>
              {metric && scatterAxis ? <ParamScatter trials={trials} axis={scatterAxis} metric={metric} scale={scale} best={best} height={260} onOpen={open} /> : <p className="muted">Nothing to plot yet.</p>}
            </section>
          </div>
          <section className="sweep-card">
            <h2>
              Runs <span className="muted">{brushed ? `${shown.length} of ${trials.length} (brushed in the parallel coordinates)` : `${trials.length}, best first`}</span>
              {brushed && (
                <button className="link" onClick={() => setParams({ pc: null })} data-testid="clear-brushes">
                  clear brushes
                </button>
              )}
            </h2>
            <SweepRunsTable entity={entity} project={project} trials={shown} params={params.map((p) => p.name)} metric={metric} best={best} />
          </section>
        </>
      )}
    </div>
  );
}
