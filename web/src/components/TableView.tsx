/**
 * One logged table queried on the server: the filter (checked here as you type, sent after a pause),
 * sort and group-by come from `state`; the first page arrives first, later pages as the grid scrolls
 * to them; while a new answer is on its way the previous rows stay on screen. With `bar={false}` the
 * filter box belongs to a comparison around this pane and only the count and export show here.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ExprError, parseExpr } from "../lib/rowexpr";
import { useDebounced } from "../lib/storage";
import { encodeSortParam, filterError, groupFilter, tableApi, type TableAsk, type TableColumn, type TableRef } from "../lib/tableQuery";
import { TableGrid } from "./TableGrid";
import { TableGroupsView } from "./TableGroups";
import { filterPlaceholder, TableToolbar, type TableViewState } from "./TableToolbar";

export const rowsKey = (run: TableRef, ask: TableAsk, page: number): unknown[] => ["tableRows", run.entity, run.project, run.id, ask.path, ask.filter, encodeSortParam(ask.sort), page];

/** The filter to send: the typed one once it parses against the columns, else the last good one. */
export function useSentFilter(typed: string, columns: readonly TableColumn[] | undefined): { sent: string; error: string | null } {
  const debounced = useDebounced(typed, 250);
  const [sent, setSent] = useState(debounced);
  const error = useMemo(() => {
    if (!debounced.trim() || !columns) return null;
    try {
      parseExpr(debounced, columns.map((c) => c.name));
      return null;
    } catch (e) {
      return e instanceof ExprError ? e.message : String(e);
    }
  }, [debounced, columns]);
  useEffect(() => {
    if (!error) setSent(debounced);
  }, [debounced, error]);
  return { sent: error ? sent : debounced, error };
}

export function TableView(props: { run: TableRef; path: string; name: string; state: TableViewState; bar?: boolean; label?: React.ReactNode; children?: React.ReactNode }): React.JSX.Element {
  const { run, path, state } = props;
  const [columns, setColumns] = useState<TableColumn[] | undefined>(undefined);
  const { sent, error: typedError } = useSentFilter(state.filter, columns);
  const ask: TableAsk = useMemo(() => ({ path, filter: sent, sort: state.sort }), [path, sent, state.sort]);
  const first = useQuery({
    queryKey: rowsKey(run, ask, 0),
    queryFn: () => tableApi.rows(run, ask, 0),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
    enabled: path !== "",
  });
  const data = first.data;
  useEffect(() => {
    if (data && data.path === path) setColumns(data.columns);
  }, [data, path]);

  if (!path) return <div className="muted">This table has no file.</div>;
  if (!data) {
    if (first.isError && !filterError(first.error)) return <div className="filter-error">Could not load the table: {(first.error as Error).message}</div>;
    if (!first.isError) return <div className="loading">Loading table…</div>;
  }
  const error = typedError ?? filterError(first.error);
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
            state.setFilter(groupFilter(sent, state.groupBy ?? "", key));
            state.setGroupBy(null);
          }}
        />
      ) : (
        data && <TableGrid run={run} ask={ask} first={data} sort={state.sort} setSort={state.setSort} narrow={props.bar === false} />
      )}
    </div>
  );
}
