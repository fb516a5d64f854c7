/**
 * Lineage panel: an artifact version's lineage graph (the runs that logged and used it and the
 * versions around them), drawn with the artifact page's LineageGraphView, in the project the
 * panel draws from. The alias is resolved on each refresh, so `model:latest` follows new versions.
 */
import { useQuery } from "@tanstack/react-query";
import { artifactsApi, keys } from "../../artifacts/api";
import { LineageGraphView } from "../../artifacts/LineageGraph";
import { HEIGHT_PX, type LineagePanel } from "../../lib/layout";
import { parseLineageArtifact } from "../../lib/lineagePanel";
import { Link, paths } from "../../router";
import type { PanelContext } from "../PanelLayout";
import { PanelHead } from "./PanelTypeView";
import "../../artifacts/artifacts.css";

/** How often a live panel looks for new versions and runs around the artifact. */
const LIVE_REFRESH_MS = 30_000;

export function LineagePanelView({ panel, ctx, tools }: { panel: LineagePanel; ctx: PanelContext; tools: React.ReactNode }): React.JSX.Element {
  const ref = parseLineageArtifact(panel.artifact);
  const { entity, project } = ctx;
  const name = ref?.name ?? "";
  const version = ref?.version ?? "";
  const refresh = ctx.live ? LIVE_REFRESH_MS : false;
  const v = useQuery({ queryKey: keys.version(entity, project, name, version), queryFn: () => artifactsApi.version(entity, project, name, version), enabled: ref !== null, refetchInterval: refresh });
  const graph = useQuery({
    queryKey: [...keys.version(entity, project, name, version), "lineage", panel.depth],
    queryFn: () => artifactsApi.lineage(entity, project, name, version, panel.depth),
    enabled: ref !== null,
    placeholderData: (prev) => prev,
    refetchInterval: refresh,
  });
  const title = panel.title || `Lineage: ${panel.artifact}`;
  const height = HEIGHT_PX[panel.size.height];
  const found = v.data;
  let body: React.ReactNode;
  if (!ref) body = `“${panel.artifact}” names no version: edit the panel and write name:alias, e.g. model:latest`;
  else if (v.isError || graph.isError) body = `No artifact version ${panel.artifact} in ${entity}/${project} (${((v.error ?? graph.error) as Error).message})`;
  else if (!found || !graph.data) body = "Loading lineage…";
  else if (graph.data.edges.length === 0) body = `No lineage yet: no run logged or used ${found.name}:${found.version}`;
  const note = found ? (
    <>
      <Link to={paths.artifactVersion(found.entity, found.project, found.type, found.name, found.version, "lineage")}>{`${found.name}:${found.version}`}</Link> · {found.type} · {panel.depth} hop{panel.depth === 1 ? "" : "s"}
    </>
  ) : (
    panel.artifact_type ?? undefined
  );
  return (
    <div className="panel lineage-panel" data-testid="panel" data-panel-type="lineage" data-artifact={panel.artifact} data-count={graph.data?.nodes.length ?? 0}>
      <PanelHead title={title} note={note} tools={tools} />
      {body !== undefined || !found || !graph.data ? (
        <div className="panel-empty" style={{ height }}>
          {body}
        </div>
      ) : (
        <LineageGraphView graph={graph.data} currentId={`artifact:${found.id}`} />
      )}
    </div>
  );
}
