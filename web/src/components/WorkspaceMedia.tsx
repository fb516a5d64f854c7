/** The workspace's media section. Its requests wait until the charts on screen have their data (on
 * one server process they would otherwise delay the charts a user looks at first, measured in
 * ui_bench). The wait subscribes to every chart's fetching state, so it lives here: in Workspace it
 * re-rendered the whole page, runs table included, each time any chart started or finished a fetch. */
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { memo, useState } from "react";
import { Empty } from "./Empty";
import { MediaSection, useWorkspaceMediaKeys } from "./MediaPanels";
import type { PanelRun } from "./MetricPanel";

const NO_RUNS: PanelRun[] = [];

/** True from the first render where ``value`` is true on (a one-way switch). */
function useLatch(value: boolean): boolean {
  const [latched, setLatched] = useState(value);
  if (value && !latched) setLatched(true);
  return latched || value;
}

export const WorkspaceMedia = memo(function WorkspaceMedia(props: { runs: PanelRun[]; live: boolean; search: string; noCharts: boolean; showEmpty: boolean }): React.JSX.Element {
  const queryClient = useQueryClient();
  const chartsFetching = useIsFetching({ queryKey: ["series"] });
  const chartsLoaded = queryClient.getQueriesData({ queryKey: ["series"] }).some(([, data]) => data !== undefined);
  const ready = useLatch(props.noCharts || (chartsLoaded && chartsFetching === 0));
  const media = useWorkspaceMediaKeys(ready ? props.runs : NO_RUNS, props.live);
  return (
    <>
      {props.showEmpty && media.length === 0 && <Empty title="No metrics to chart">Log numbers with run.log({"{"}"loss": 0.1{"}"}) and charts appear here.</Empty>}
      <MediaSection keys={media} search={props.search} totalRuns={props.runs.length} live={props.live} />
    </>
  );
});
