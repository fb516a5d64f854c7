/**
 * One logged table queried on the server: the filter (sent after a pause), sort and group-by come
 * from `state`; the first page arrives first, later pages as the grid scrolls to them; while a new
 * answer is on its way the previous rows stay on screen. With `bar={false}` the filter box belongs to
 * a comparison around this pane and only the count and export show here.
 */
import { keepPreviousData, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useDebounced } from "../lib/storage";
import { encodeSortParam, filterError, groupFilter, tableApi, type SortKey, type TableAsk, type TableRef, type TableRows } from "../lib/tableQuery";
import { TableGrid } from "./TableGrid";
import { TableGroupsView } from "./TableGroups";
import { filterPlaceholder, TableToolbar, type TableViewState } from "./TableToolbar";

export const rowsKey = (run: TableRef, ask: TableAsk, page: number): unknown[] => ["tableRows", run.entity, run.project, run.id, ask.path, ask.filter, encodeSortParam(ask.sort), page];

const firstPage = (run: TableRef, ask: TableAsk, enabled: boolean) => ({
  queryKey: rowsKey(run, ask, 0),
  queryFn: () => tableApi.rows(run, ask, 0),
  placeholderData: keepPreviousData,
  staleTime: Infinity,
  retry: false,
  enabled,
});

/**
 * The first page of rows for what was typed in the filter box, asked for after a pause. The server
 * parses the filter (service/tables_expr.py: the one implementation of the language) and answers a
 * mistake with a 400 naming its position and what was expected; while it refuses what was typed,
 * that message is the error and the rows of the last filter it accepted stay on screen.
 */
export function useTableFirstPage(run: TableRef, path: string, typed: string, sort: readonly SortKey[]): { ask: TableAsk; first: UseQueryResult<TableRows>; error: string | null } {
  const debounced = useDebounced(typed, 250);
  const typedAsk: TableAsk = useMemo(() => ({ path, filter: debounced, sort }), [path, debounced, sort]);
  const attempt = useQuery(firstPage(run, typedAsk, path !== ""));
  const error = filterError(attempt.error);
  const [accepted, setAccepted] = useState("");
  const answered = attempt.isSuccess && !attempt.isPlaceholderData;
  useEffect(() => {
    if (answered) setAccepted(debounced);
  }, [answered, debounced]);
  const acceptedAsk: TableAsk = useMemo(() => ({ path, filter: accepted, sort }), [path, accepted, sort]);
  const fallback = useQuery(firstPage(run, acceptedAsk, path !== "" && error !== null));
  return error === null ? { ask: typedAsk, first: attempt, error } : { ask: acceptedAsk, first: fallback, error };
}

export function TableView(props: { run: TableRef; path: string; name: string; state: TableViewState; bar?: boolean; label?: React.ReactNode; children?: React.ReactNode }): React.JSX.Element {
  const { run, path, state } = props;
  const { ask, first, error } = useTableFirstPage(run, path, state.filter, state.sort);
  const data = first.data;
  const [columns, setColumns] = useState<TableRows["columns"] | undefined>(undefined);
  useEffect(() => {
    if (data && data.path === path) setColumns(data.columns);
  }, [data, path]);

  if (!path) return <div className="muted">This table has no file.</div>;
  if (!data) {
    if (first.isError && !filterError(first.error)) return <div className="filter-error">Could not load the table: {(first.error as Error).message}</div>;
    if (!first.isError && !error) return <div className="loading">Loading table…</div>;
  }
  const cols = data?.columns ?? columns ?? [];
  const count = data ? (data.matched_rows === data.total_rows ? `${data.total_rows.toLocaleString()} rows` : `${data.matched_rows.toLocaleString()} of ${data.total_rows.toLocaleString()} rows`) : "";
  const extras = (
    <>
      <span className="muted" data-testid="table-count" data-busy={first.isFetching ? "true" : "false"}>
        {count}
        {first.isFetching && <span className="tv-busy" aria-label="updating" />}
      </span>
      <a className="button" href={tableApi.csvUrl(run, ask)} download={`${props.name.replace(/[^\w.-]+/g, "_")}.csv`} data-testid="table-csv">
        Export CSV
      </a>
      {props.children}
    </>
  );
  return (
    <div className="table-viewer" data-testid="table-viewer" data-path={path}>
      {props.bar === false ? (
        <div className="toolbar tv-toolbar">
          {props.label}
          {extras}
          {error && <span className="filter-error">{error}</span>}
        </div>
      ) : (
        <TableToolbar state={state} columns={cols} placeholder={filterPlaceholder(cols, data?.rows[0])} error={error}>
          {extras}
        </TableToolbar>
      )}
      {state.groupBy && cols.some((c) => c.name === state.groupBy) ? (
        <TableGroupsView
          run={run}
          ask={ask}
          by={state.groupBy}
          columns={cols}
          onPick={(key) => {
            state.setFilter(groupFilter(ask.filter, state.groupBy ?? "", key));
            state.setGroupBy(null);
          }}
        />
      ) : (
        data && <TableGrid run={run} ask={ask} first={data} sort={state.sort} setSort={state.setSort} narrow={props.bar === false} />
      )}
    </div>
  );
}
