/**
 * The runs table's column picker: a search over every column (config and summary keys, by substring
 * or regular expression), "show all matching" and "hide all matching", and a checkbox per column in
 * three groups (run fields, config, summary). The name column always stays.
 */
import { useCallback, useMemo, useState } from "react";
import { matchColumns, pickerText, setShown } from "../lib/runColumns";
import { columnLabel } from "./RunsTable";
import "./tablecompare.css";

const GROUPS: [string, (id: string) => boolean][] = [
  ["Run", (id) => !id.startsWith("c:") && !id.startsWith("s:")],
  ["Config", (id) => id.startsWith("c:")],
  ["Summary", (id) => id.startsWith("s:")],
];

/** `labels`: headers other than the column's key (`loss (min)`), as the runs table shows them. */
export function ColumnPicker(props: { columnIds: readonly string[]; hidden: readonly string[]; labels: ReadonlyMap<string, { label: string }>; onChange: (hidden: string[]) => void }): React.JSX.Element {
  const { columnIds, hidden, labels, onChange } = props;
  const labelOf = useCallback((id: string) => labels.get(id)?.label ?? columnLabel(id), [labels]);
  const [search, setSearch] = useState("");
  const matching = useMemo(() => matchColumns(columnIds, labelOf, search), [columnIds, labelOf, search]);
  const hiddenSet = new Set(hidden);
  const shownCount = columnIds.filter((c) => !hiddenSet.has(c)).length;
  const toggle = (id: string): void => onChange(hiddenSet.has(id) ? hidden.filter((c) => c !== id) : [...hidden, id]);
  return (
    <div className="column-picker-wrap">
      <div className="cp-tools">
        <input
          type="search"
          placeholder="Search columns: substring or regex (^val/, loss|acc)"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="search columns"
          data-testid="column-search"
          autoFocus
          spellCheck={false}
        />
        <button onClick={() => onChange(setShown(hidden, matching, true))} disabled={matching.length === 0} data-testid="columns-show-matching">
          {search.trim() ? `Show all ${matching.length} matching` : "Show all"}
        </button>
        <button onClick={() => onChange(setShown(hidden, matching, false))} disabled={matching.length === 0} data-testid="columns-hide-matching">
          {search.trim() ? "Hide all matching" : "Hide all"}
        </button>
        <span className="muted" data-testid="columns-count">
          {shownCount} of {columnIds.length} columns shown
        </span>
      </div>
      <div className="column-picker" data-testid="column-picker">
        {matching.length === 0 && <span className="muted">No column matches {search.trim()}</span>}
        {GROUPS.map(([group, inGroup]) => {
          const ids = matching.filter(inGroup);
          if (ids.length === 0) return null;
          return (
            <fieldset key={group} className="cp-group">
              <legend>
                {group} <span className="muted">({ids.length})</span>
              </legend>
              {ids.map((c) => (
                <label key={c} title={pickerText(c, c.replace(/^[cs]:/, ""))}>
                  <input type="checkbox" checked={!hiddenSet.has(c)} disabled={c === "name"} onChange={() => toggle(c)} /> {pickerText(c, labelOf(c))}
                </label>
              ))}
            </fieldset>
          );
        })}
      </div>
    </div>
  );
}
