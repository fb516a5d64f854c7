/**
 * A grid's run sets as tabs, as W&B's reports show them: each with its name, project, how many runs
 * it selects, its filter and grouping, and a switch to show it in the panels. Editable, a run set is
 * edited in place (RunsetEditor), added or removed.
 */
import { useState } from "react";
import { formatNumber } from "../../lib/format";
import { RunsetEditor } from "./RunsetEditor";
import { MAX_RUNSETS, newRunset, type Runset, type RunsetView } from "./runsets";

export function RunsetTabs(props: {
  runsets: Runset[];
  views: (RunsetView | null)[];
  errors: (string | null)[];
  off: ReadonlySet<number>;
  onToggle: (index: number) => void;
  groupingNote: string | null;
  /** Absent: read only. */
  onRunsets?: (runsets: Runset[]) => void;
}): React.JSX.Element {
  const { runsets, views, errors, off, onToggle, onRunsets } = props;
  const [editing, setEditing] = useState<number | null>(null);
  const several = runsets.length > 1;
  const set = (i: number, rs: Runset): void => onRunsets?.(runsets.map((r, j) => (j === i ? rs : r)));
  return (
    <div className="runset-tabs" data-testid="runset-tabs">
      <div className="runset-tab-row">
        {runsets.map((rs, i) => {
          const v = views[i];
          const error = errors[i];
          const count = v ? v.filtered.length : null;
          return (
            <div key={i} className={`runset-tab${off.has(i) ? " off" : ""}`} data-testid="runset-tab" data-name={rs.name} data-count={count ?? ""} data-shown={!off.has(i)}>
              {several && <input type="checkbox" checked={!off.has(i)} onChange={() => onToggle(i)} aria-label={`show run set ${rs.name}`} title="Show this run set's runs in the panels" />}
              <span className="runset-name">{rs.name}</span>
              <span className="muted runset-project" title={`${rs.entity}/${rs.project}`}>
                {rs.project}
              </span>
              <span className="runset-count" data-testid="runset-count">
                {count === null ? (error ? "" : "…") : `${formatNumber(count)} run${count === 1 ? "" : "s"}`}
              </span>
              {rs.filters && (
                <code className="runset-filter" title={`Filter: ${rs.filters}`}>
                  {rs.filters}
                </code>
              )}
              {rs.group_by && rs.group_by.length > 0 && <span className="muted">grouped by {rs.group_by.join(", ")}</span>}
              {v?.filterError && (
                <span className="filter-error" role="alert" title={v.filterError}>
                  Filter: {v.filterError}
                </span>
              )}
              {error && (
                <span className="filter-error" role="alert">
                  {error}
                </span>
              )}
              {onRunsets && (
                <>
                  <button type="button" className="chip" onClick={() => setEditing(editing === i ? null : i)} aria-expanded={editing === i} data-testid="runset-edit">
                    Edit
                  </button>
                  {several && (
                    <button type="button" className="icon" onClick={() => onRunsets(runsets.filter((_, j) => j !== i))} aria-label={`remove run set ${rs.name}`} title="Remove this run set">
                      ✕
                    </button>
                  )}
                </>
              )}
            </div>
          );
        })}
        {onRunsets && runsets.length < MAX_RUNSETS && (
          <button type="button" className="chip" data-testid="runset-add" onClick={() => {
            const base = runsets[runsets.length - 1];
            onRunsets([...runsets, newRunset(base?.entity ?? "", base?.project ?? "", runsets)]);
            setEditing(runsets.length);
          }}>
            + Run set
          </button>
        )}
        {props.groupingNote && <span className="muted">{props.groupingNote}</span>}
      </div>
      {onRunsets && editing !== null && runsets[editing] && (
        <RunsetEditor
          key={editing}
          runset={runsets[editing]}
          onApply={(rs) => {
            set(editing, rs);
            setEditing(null);
          }}
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}
