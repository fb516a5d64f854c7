/**
 * Scalar panel: one big number for a summary metric, the mean, min, max or newest value over the
 * visible runs (one per group while the workspace is grouped, or one run's own value when the
 * panel's run selection keeps one run), with the metric's name and how many runs it covers.
 */
import { useMemo } from "react";
import { formatNumber } from "../../lib/format";
import { HEIGHT_PX, updatePanel, type ScalarPanel } from "../../lib/layout";
import { selectRuns } from "../../lib/panelEdit";
import { groupColor } from "../../lib/panels";
import { AGGREGATE_LABEL, scalarCaption, scalarValues, type Aggregate } from "../../lib/panelTypes";
import type { PanelContext } from "../PanelLayout";
import { PanelHead } from "./PanelTypeView";

const FONT: Record<ScalarPanel["size"]["height"], number> = { small: 36, medium: 52, large: 76 };

export function ScalarPanelView({ panel, ctx, tools, full }: { panel: ScalarPanel; ctx: PanelContext; tools: React.ReactNode; full?: number | undefined }): React.JSX.Element {
  const runs = useMemo(() => selectRuns(ctx.runs, panel.runs), [ctx.runs, panel.runs]);
  const values = useMemo(() => {
    const summaries = new Map(ctx.summaryRuns.map((r) => [r.key, r.summary]));
    return scalarValues(runs.map((r) => ({ ...r, summary: summaries.get(r.key) ?? {} })), panel.metric, panel.aggregate, groupColor);
  }, [runs, ctx.summaryRuns, panel.metric, panel.aggregate]);
  const setAggregate = (aggregate: Aggregate): void => ctx.update((l) => updatePanel(l, panel.id, (p) => (p.type === "scalar" ? { ...p, aggregate } : p)));
  const height = full ?? HEIGHT_PX[panel.size.height];
  const single = values.length === 1;
  const font = single ? (full ? Math.min(160, Math.round(full / 4)) : FONT[panel.size.height]) : Math.min(28, Math.max(16, Math.floor(height / (values.length * 2.2))));
  return (
    <div className="panel scalar-panel" data-testid="panel" data-panel-type="scalar" data-metric={panel.metric}>
      <PanelHead
        title={panel.title || panel.metric}
        tools={
          <>
            {runs.length > 1 && (
              <select className="compact" value={panel.aggregate} onChange={(e) => setAggregate(e.target.value as Aggregate)} aria-label="aggregate" title="How the runs' values make one number">
                {(Object.keys(AGGREGATE_LABEL) as Aggregate[]).map((a) => (
                  <option key={a} value={a}>
                    {AGGREGATE_LABEL[a]}
                  </option>
                ))}
              </select>
            )}
            {tools}
          </>
        }
      />
      <div className={`scalar-body${single ? "" : " grouped"}`} style={{ height }}>
        {values.map((v) => (
          <div className="scalar-row" key={v.label ?? ""} data-testid="scalar-value" data-label={v.label ?? ""} data-value={v.value ?? ""}>
            {v.label !== null && (
              <span className="scalar-label" title={v.label}>
                {v.color && <span className="swatch" style={{ background: v.color }} />} {v.label}
              </span>
            )}
            <span className="scalar-number" style={{ fontSize: font }} title={v.value === null ? undefined : String(v.value)}>
              {v.value === null ? "–" : formatNumber(v.value)}
            </span>
            <span className="scalar-caption muted">
              {single && panel.title && panel.title !== panel.metric && <span className="scalar-metric">{panel.metric} · </span>}
              {scalarCaption(v, panel.aggregate)}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
