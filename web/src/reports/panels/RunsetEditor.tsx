/**
 * Editing one run set of a report's grid: its name, the project (any the reader may read), the
 * runs table's filter (checked as the workspace checks it, with the same messages, against that
 * project's runs) and the keys to group by (the workspace's group-by control). Apply hands the new
 * run set back; nothing changes until then.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "../../api/client";
import { GroupByControl } from "../../components/GroupByControl";
import { columnLabel } from "../../components/RunsTable";
import { groupChoiceLabel, groupColumn, MAX_GROUP_KEYS, serverGroupKey, UNGROUPABLE } from "../../lib/groupKeys";
import { runsQuery } from "../../lib/queries";
import { filterRows, runKeys, tableRows } from "../../lib/workspaceRuns";
import type { Runset } from "./runsets";

const BASE_COLUMNS = ["state", "group", "job_type", "tags"];

export function RunsetEditor({ runset, onApply, onClose }: { runset: Runset; onApply: (rs: Runset) => void; onClose: () => void }): React.JSX.Element {
  const [name, setName] = useState(runset.name);
  const [where, setWhere] = useState(`${runset.entity}/${runset.project}`);
  const [filter, setFilter] = useState(runset.filters ?? "");
  const [groups, setGroups] = useState<string[]>((runset.group_by ?? []).map(groupColumn).filter((c) => !UNGROUPABLE.has(c)));
  const projects = useQuery({ queryKey: ["projects", ""], queryFn: () => api.projects(), staleTime: 30_000 });
  const [entity = "", project = ""] = where.split("/");
  const runs = useQuery({ ...runsQuery(entity, project), enabled: Boolean(entity && project) });
  const checked = useMemo(() => {
    const rows = tableRows(runs.data ?? []);
    const keys = runKeys(rows);
    const { filtered, filterError } = filterRows(rows, filter, keys);
    const columns = [...BASE_COLUMNS, ...keys.configKeys.map((k) => `c:${k}`), ...keys.summaryKeys.map((k) => `s:${k}`)];
    return { count: filtered.length, total: rows.length, filterError, columns };
  }, [runs.data, filter]);
  const choices = useMemo(() => [...new Set([...checked.columns, ...groups])], [checked.columns, groups]);
  const options = useMemo(() => {
    const list = (projects.data?.projects ?? []).map((p) => `${p.entity}/${p.name}`);
    return list.includes(where) ? list : [where, ...list];
  }, [projects.data, where]);
  const problem = !name.trim() ? "Name the run set." : checked.filterError ? `Filter: ${checked.filterError}` : groups.length > MAX_GROUP_KEYS ? `Group by at most ${MAX_GROUP_KEYS} keys.` : null;
  const apply = (): void => {
    if (problem) return;
    onApply({ name: name.trim(), entity, project, filters: filter.trim() ? filter.trim() : null, group_by: groups.map(serverGroupKey) });
  };
  return (
    <div className="runset-editor" role="group" aria-label={`edit run set ${runset.name}`} data-testid="runset-editor">
      <label className="field">
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} aria-label="run set name" />
      </label>
      <label className="field">
        Project
        <select value={where} onChange={(e) => setWhere(e.target.value)} aria-label="run set project" data-testid="runset-project">
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label className="field runset-filter-field">
        Filter (as the runs table's: lr&gt;0.01 state=finished, or JSON)
        <input
          className={`filter${checked.filterError ? " invalid" : ""}`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder='name, lr>0.01 state=running, or {"config.lr": {"$gt": 0.01}}'
          aria-label="run set filter"
          aria-invalid={checked.filterError ? true : undefined}
          data-testid="runset-filter"
        />
      </label>
      <div className="field">
        <GroupByControl keys={groups} choices={choices} label={(c) => groupChoiceLabel(c, columnLabel)} onChange={setGroups} />
      </div>
      <div className="runset-editor-foot">
        {checked.filterError ? (
          <div className="filter-error" role="alert" data-testid="runset-filter-error">
            {checked.filterError}
          </div>
        ) : (
          <span className="muted" data-testid="runset-preview">
            {runs.isPending ? "Loading runs…" : runs.isError ? (runs.error as Error).message : `${checked.count} of ${checked.total} runs match`}
          </span>
        )}
        {problem && !checked.filterError && <span className="error">{problem}</span>}
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={problem !== null} onClick={apply} data-testid="runset-apply">
          Apply
        </button>
      </div>
    </div>
  );
}
