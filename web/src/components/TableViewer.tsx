/**
 * A logged wandb.Table, queried on the server (sort, filter, paging, group-by, column stats and CSV
 * export all run there, over a columnar copy of the table), with media cells rendered. With
 * `urlKey`, the filter, sort and grouping live in the URL (?filter:<key>=, ?sort:<key>=-col,
 * ?group:<key>=col), so a link shows the same rows. With `steps`, "Compare" puts the same key at
 * other steps or from other runs side by side.
 */
import { useMemo, useState } from "react";
import type { MediaRef, MediaStep } from "../lib/media";
import { encodeSortParam, parseSortParam, type SortKey } from "../lib/tableQuery";
import { useParamState } from "../router";
import type { RunRef } from "./MediaView";
import { TableCompare } from "./TableCompare";
import type { TableViewState } from "./TableToolbar";
import { TableView } from "./TableView";
import "./TableViewer.css";

export function useTableViewState(urlKey: string | undefined): TableViewState {
  const name = (what: string): string | null => (urlKey === undefined ? null : `${what}:${urlKey}`);
  const [sortParam, setSortParam] = useParamState(name("sort"));
  const [filterParam, setFilterParam] = useParamState(name("filter"));
  const [groupParam, setGroupParam] = useParamState(name("group"));
  const sort = useMemo(() => parseSortParam(sortParam), [sortParam]);
  return {
    filter: filterParam ?? "",
    setFilter: (v: string) => setFilterParam(v || null),
    sort,
    setSort: (keys: SortKey[]) => setSortParam(encodeSortParam(keys)),
    groupBy: groupParam || null,
    setGroupBy: (col: string | null) => setGroupParam(col),
  };
}

export function TableViewer(props: { run: RunRef & { display_name?: string }; value: MediaRef; name: string; urlKey?: string; steps?: MediaStep[]; step?: number | null }): React.JSX.Element {
  const state = useTableViewState(props.urlKey);
  const [comparing, setComparing] = useState(false);
  const { run, steps } = props;
  if (comparing && steps && props.urlKey !== undefined)
    return <TableCompare run={run} runName={run.display_name ?? run.id} mediaKey={props.urlKey} steps={steps} step={props.step ?? null} state={state} onClose={() => setComparing(false)} />;
  return (
    <TableView run={run} path={props.value.path ?? ""} name={props.name} state={state}>
      {steps && props.urlKey !== undefined && (
        <button type="button" onClick={() => setComparing(true)} data-testid="table-compare-open" title="this table at other steps or in other runs, side by side">
          Compare…
        </button>
      )}
    </TableView>
  );
}
