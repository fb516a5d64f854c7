/**
 * Media panel: one media key (images, audio, tables, histograms, charts, ...) of the visible runs
 * side by side on a step slider, placed, sized and moved like any panel. It draws the workspace
 * media section's panel for that key (MediaPanels), over the same cached requests.
 */
import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { HEIGHT_PX, type MediaPanel } from "../../lib/layout";
import { selectRuns } from "../../lib/panelEdit";
import { runKeysQuery } from "../../lib/queries";
import { MAX_MEDIA_RUNS, MediaPanel as MediaKeyView, useWorkspaceMediaKeys } from "../MediaPanels";
import type { PanelContext } from "../PanelLayout";
import { PanelHead } from "./PanelTypeView";

export function MediaKeyPanelView({ panel, ctx, tools }: { panel: MediaPanel; ctx: PanelContext; tools: React.ReactNode }): React.JSX.Element {
  const runs = useMemo(() => selectRuns(ctx.runs, panel.runs), [ctx.runs, panel.runs]);
  const live = ctx.live ?? false;
  const keys = useWorkspaceMediaKeys(runs, live);
  const mkey = keys.find((k) => k.key === panel.key);
  // Whether every run's key list is in: until then "no run logged it" would be premature.
  const pending = useQueries({
    queries: runs.slice(0, MAX_MEDIA_RUNS).map((r) => runKeysQuery(r.entity, r.project, r.id, "history")),
    combine: (results) => results.some((r) => r.isPending),
  });
  return (
    <div className="media-key-panel" data-testid="panel" data-panel-type="media" data-key={panel.key} data-count={mkey?.runs.length ?? 0}>
      {mkey ? (
        <MediaKeyView mkey={mkey} live={live} title={panel.title || panel.key} tools={tools} />
      ) : (
        <div className="panel">
          <PanelHead title={panel.title || panel.key} tools={tools} />
          <div className="panel-empty" style={{ height: HEIGHT_PX[panel.size.height] }}>
            {pending ? "Loading…" : `No visible run logged media under “${panel.key}”`}
          </div>
        </div>
      )}
    </div>
  );
}
