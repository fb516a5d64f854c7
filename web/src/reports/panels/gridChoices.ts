/**
 * What "+ Panel" and the panel editor offer in a report's grid: the workspace's choices (metrics the
 * runs logged, axes, summary and config fields, runs, media keys) over the shown run sets, and the
 * artifacts of the grid's project for a lineage panel.
 */
import { useQueries, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { artifactsApi, keys as artifactKeys } from "../../artifacts/api";
import type { PanelChoices } from "../../components/AddPanelDialog";
import type { PanelRun } from "../../components/MetricPanel";
import { AXIS_KEYS } from "../../lib/panels";
import { projectKeysQuery } from "../../lib/queries";
import { numericFields } from "../../lib/summaryPlots";
import type { RunsetView } from "./runsets";

const sorted = (s: Iterable<string>): string[] => [...new Set(s)].sort();

/** `asked` false (a reader): nothing is fetched, the dialogs are not offered. */
export function useGridChoices(views: readonly RunsetView[], runs: readonly PanelRun[], entity: string, project: string, sections: string[], asked: boolean): PanelChoices {
  const projects = useMemo(() => [...new Map(views.map((v) => [`${v.runset.entity}/${v.runset.project}`, v.runset])).values()], [views]);
  const keyAnswers = useQueries({
    queries: projects.map((rs) => ({ ...projectKeysQuery(rs.entity, rs.project, "history"), enabled: asked })),
    combine: (results) => results.map((r) => r.data?.keys ?? []),
  });
  const logged = JSON.stringify(keyAnswers);
  const collections = useQuery({ queryKey: [...artifactKeys.project(entity, project), "collections"], queryFn: () => artifactsApi.collections(entity, project), enabled: asked && Boolean(entity && project), staleTime: 30_000 });
  return useMemo(() => {
    const all = keyAnswers.flat();
    const numeric = all.filter((k) => k.kind === "number").map((k) => k.key);
    const rows = views.flatMap((v) => v.filtered);
    return {
      metrics: sorted(numeric),
      axes: sorted(numeric),
      summaryNumeric: sorted(views.flatMap((v) => v.keys.numericKeys)).filter((k) => !AXIS_KEYS.has(k)),
      fields: numericFields(rows),
      configKeys: sorted(views.flatMap((v) => v.keys.configKeys)),
      sections,
      fixedSection: sections[0],
      runs: runs.map((r) => ({ id: r.id, name: r.name })),
      mediaKeys: sorted(all.filter((k) => k.kind === "other").map((k) => k.key)),
      artifacts: (collections.data ?? []).map((c) => `${c.name}:latest`).sort(),
    };
    // `logged` stands for keyAnswers (a new array every render).
  }, [logged, views, runs, sections, collections.data]);
}
