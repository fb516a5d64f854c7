/**
 * The table viewer's shared controls: the filter box (an expression over the row, sent to the
 * server after a short pause in typing) and the group-by picker. One bar serves a single table or
 * every pane of a comparison.
 */
import type { SortKey, TableColumn } from "../lib/tableQuery";

export interface TableViewState {
  filter: string;
  setFilter: (v: string) => void;
  sort: SortKey[];
  setSort: (keys: SortKey[]) => void;
  groupBy: string | null;
  setGroupBy: (col: string | null) => void;
}

/** The filter box's hint: an expression that fits this table's own columns. */
export function filterPlaceholder(columns: readonly TableColumn[], first: readonly unknown[] | undefined): string {
  const numIdx = columns.findIndex((c) => c.kind === "number");
  const strIdx = columns.findIndex((c, i) => c.kind === "string" && typeof first?.[i] === "string" && String(first[i]).length <= 16);
  const parts: string[] = [];
  const numCol = columns[numIdx];
  if (numCol) parts.push(`row[${JSON.stringify(numCol.name)}] < 0.5`);
  const strCol = columns[strIdx];
  if (strCol) parts.push(`row[${JSON.stringify(strCol.name)}] != ${JSON.stringify(String(first?.[strIdx]).slice(0, 20))}`);
  return `Filter rows${parts.length ? `, e.g. ${parts.join(" and ")}` : ': row["column"] == "value" and/or/not ...'}`;
}

export function TableToolbar(props: {
  state: TableViewState;
  columns: readonly TableColumn[];
  placeholder: string;
  error: string | null;
  children?: React.ReactNode;
}): React.JSX.Element {
  const { state, columns, error } = props;
  return (
    <>
      <div className="toolbar tv-toolbar">
        <input
          className={`filter${error ? " invalid" : ""}`}
          placeholder={props.placeholder}
          value={state.filter}
          onChange={(e) => state.setFilter(e.target.value)}
          aria-label="filter table rows"
          data-testid="table-filter"
          spellCheck={false}
        />
        <label className="tv-group-pick muted">
          Group by{" "}
          <select value={state.groupBy ?? ""} onChange={(e) => state.setGroupBy(e.target.value || null)} data-testid="table-group-by" aria-label="group rows by column">
            <option value="">(none)</option>
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        {props.children}
      </div>
      {error && (
        <div className="filter-error" role="alert" data-testid="table-filter-error">
          {error}
        </div>
      )}
    </>
  );
}
