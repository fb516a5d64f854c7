/**
 * The run page's Media tab: every history key holding media (found from history/keys), each with
 * the value at a chosen step (slider; left/right arrow keys step through), tables in the viewer.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { api, type HistoryKey, type RunOut } from "../api/client";
import { atStep, mediaKeys, mediaSteps, type MediaKey, type MediaStep } from "../lib/media";
import { chartSpecs, type ChartSpec } from "../lib/mediaCharts";
import { useParamState } from "../router";
import { Empty } from "./Empty";
import { ChartView } from "./media/ChartView";
import { HistogramSteps } from "./media/HistogramSteps";
import { MediaView, type RunRef } from "./MediaView";
import { TableViewer } from "./TableViewer";
import { runKeysQuery } from "../lib/queries";

export function RunMedia({ run }: { run: RunOut }): React.JSX.Element {
  const live = run.state === "running";
  const keysQ = useQuery({
    ...runKeysQuery(run.entity, run.project, run.id, "history"),
    refetchInterval: live ? 5000 : false,
  });
  const media = useMemo(() => mediaKeys(keysQ.data?.keys ?? []), [keysQ.data]);
  // trackwell.plot charts: their table keys (K_table) draw as the chart their spec names.
  const specs = useMemo(() => chartSpecs(run.metadata), [run.metadata]);
  // The epoch, when logged, labels the steps ("step 1 · epoch 10").
  const hasEpoch = (keysQ.data?.keys ?? []).some((k) => k.key === "epoch" && k.kind === "number");
  const rowsQ = useQuery({
    queryKey: ["mediaRows", run.entity, run.project, run.id, media.map((m) => m.key).join(","), hasEpoch, keysQ.data?.last_step],
    queryFn: () => api.historyRows(run.entity, run.project, run.id, [...media.map((m) => m.key), ...(hasEpoch ? ["epoch"] : [])], 10000, stepRange(keysQ.data?.keys ?? [], media)),
    enabled: media.length > 0,
  });
  const epochs = useMemo(() => {
    const m = new Map<number, number>();
    for (const r of rowsQ.data ?? []) if (typeof r._step === "number" && typeof r.epoch === "number") m.set(r._step, r.epoch);
    return m;
  }, [rowsQ.data]);
  // Each key's steps once per fetch, not per render: a slider move must not re-scan 10,000 rows
  // (nor re-bin a histogram over thousands of steps).
  const stepsByKey = useMemo(() => new Map(media.map((m) => [m.key, mediaSteps(rowsQ.data ?? [], m.key)])), [media, rowsQ.data]);
  if (keysQ.isPending) return <div className="loading">Loading…</div>;
  if (keysQ.isError) return <Empty title="Could not load history keys">{(keysQ.error as Error).message}</Empty>;
  if (media.length === 0)
    return (
      <Empty title="No media logged">
        Log images, audio, tables or HTML with run.log({"{"}"examples": wandb.Image(array){"}"}) and they appear here.
      </Empty>
    );
  if (rowsQ.isPending) return <div className="loading">Loading media…</div>;
  if (rowsQ.isError) return <Empty title="Could not load media">{(rowsQ.error as Error).message}</Empty>;
  return (
    <div className="media-grid" data-testid="media">
      {media.map((m) => (
        <MediaCard key={m.key} run={run} mkey={m} steps={stepsByKey.get(m.key) ?? NO_STEPS} epochs={epochs} spec={m.kind === "table" ? specs.get(m.key) : undefined} />
      ))}
    </div>
  );
}

const NO_STEPS: MediaStep[] = [];

/** The steps that can hold media: from the first media step to the last, so a long run's scan skips
 * the stretches before and after. */
function stepRange(keys: readonly HistoryKey[], media: readonly MediaKey[]): { min: number | null; max: number | null } {
  const wanted = new Set(media.map((m) => m.key));
  const ks = keys.filter((k) => wanted.has(k.key));
  const firsts = ks.map((k) => k.first_step).filter((v): v is number => typeof v === "number");
  const lasts = ks.map((k) => k.last_step).filter((v): v is number => typeof v === "number");
  return { min: firsts.length === ks.length && ks.length ? Math.min(...firsts) : null, max: lasts.length === ks.length && ks.length ? Math.max(...lasts) : null };
}

function MediaCard({ run, mkey, steps, epochs, spec }: { run: RunRef; mkey: MediaKey; steps: MediaStep[]; epochs?: ReadonlyMap<number, number>; spec?: ChartSpec | undefined }): React.JSX.Element {
  // The chosen step is in the URL (?step:<key>=<n>), so a link shows the same image.
  const [stepParam, setStepParam] = useParamState(`step:${mkey.key}`);
  const step = stepParam !== null && stepParam !== "" && Number.isFinite(Number(stepParam)) ? Number(stepParam) : null;
  const setStep = (s: number): void => setStepParam(s === steps[steps.length - 1]?.step ? null : String(s));
  const shown = atStep(steps, step);
  // A chart's table can be opened in the table viewer instead.
  const [asTable, setAsTable] = useState(false);
  const chart = asTable ? undefined : spec;
  const wide = (mkey.kind === "table" && !chart) || mkey.kind === "html";
  return (
    <section className={`media-card${wide ? " wide" : ""}`} data-testid="media-card" data-key={mkey.key} data-kind={spec ? "chart" : mkey.kind} data-chart-key={spec?.key}>
      <div className="panel-head">
        <span className="panel-title">{spec ? spec.key : mkey.key}</span>
        {spec ? (
          <button type="button" className="chip" onClick={() => setAsTable(!asTable)} data-testid="chart-as-table" title={asTable ? "draw the chart" : "show the chart's table"}>
            {asTable ? "chart" : "table"}
          </button>
        ) : (
          <span className="muted">{mkey.kind}</span>
        )}
      </div>
      <StepSlider steps={steps.map((s) => s.step)} value={shown?.step ?? null} onChange={setStep} epochs={epochs} />
      {shown ? (
        chart ? (
          <ChartView run={run} spec={chart} value={shown.ref} />
        ) : mkey.kind === "histogram" && steps.length > 1 ? (
          <HistogramSteps steps={steps} selected={shown.step} />
        ) : mkey.kind === "table" ? (
          <TableViewer key={`${shown.step}`} run={run} value={shown.ref} name={`${mkey.key}-${shown.step}`} urlKey={mkey.key} steps={steps} step={shown.step} />
        ) : (
          <MediaView run={run} value={shown.ref} />
        )
      ) : (
        <div className="muted">Nothing logged</div>
      )}
    </section>
  );
}

const PLAY_MS = 600;

/** Picks one of the logged steps: a slider over the steps that have a value, with left/right keys,
 * and a play button that steps through them. */
export function StepSlider(props: { steps: number[]; value: number | null; onChange: (step: number) => void; epochs?: ReadonlyMap<number, number> | undefined }): React.JSX.Element | null {
  const { steps, value, onChange } = props;
  const [playing, setPlaying] = useState(false);
  const i = Math.max(0, value === null ? steps.length - 1 : steps.indexOf(value));
  // Play: one logged step every PLAY_MS, stopping at the last one.
  useEffect(() => {
    if (!playing) return;
    if (i >= steps.length - 1) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => {
      const next = steps[i + 1];
      if (next !== undefined) onChange(next);
    }, PLAY_MS);
    return () => clearTimeout(timer);
  }, [playing, i, steps, onChange]);
  if (steps.length === 0) return null;
  const epoch = props.epochs?.get(steps[i] ?? -1);
  const label = (
    <span className="muted step-label" data-testid="step-label">
      step {steps[i]}
      {epoch !== undefined && ` · epoch ${epoch}`}
      {steps.length > 1 && <span className="muted"> ({i + 1}/{steps.length})</span>}
    </span>
  );
  if (steps.length === 1)
    return (
      <div className="step-slider" data-step={steps[0]}>
        {label}
      </div>
    );
  const go = (j: number): void => {
    const s = steps[Math.min(steps.length - 1, Math.max(0, j))];
    if (s !== undefined) onChange(s);
  };
  return (
    <div
      className="step-slider"
      data-step={steps[i]}
      onKeyDown={(e) => {
        if (e.target instanceof HTMLInputElement && e.target.type === "range") return; // the slider moves itself
        if (e.key === "ArrowLeft") go(i - 1);
        else if (e.key === "ArrowRight") go(i + 1);
        else return;
        e.preventDefault();
      }}
    >
      <button
        type="button"
        className="icon"
        onClick={() => {
          if (!playing && i >= steps.length - 1) go(0); // play again from the first step
          setPlaying(!playing);
        }}
        aria-label={playing ? "pause" : "play"}
        title={playing ? "Pause" : "Play through the steps"}
        data-testid="step-play"
      >
        {playing ? "❚❚" : "▶"}
      </button>
      <button type="button" className="icon" onClick={() => go(i - 1)} disabled={i === 0} aria-label="previous step">
        ‹
      </button>
      <input
        type="range"
        min={0}
        max={steps.length - 1}
        step={1}
        value={i}
        onChange={(e) => go(Number(e.target.value))}
        aria-label="step"
        data-testid="step-slider"
      />
      <button type="button" className="icon" onClick={() => go(i + 1)} disabled={i === steps.length - 1} aria-label="next step">
        ›
      </button>
      {label}
    </div>
  );
}
