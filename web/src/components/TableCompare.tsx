/**
 * The same table key side by side: across steps of this run, or this step against other runs of the
 * project (their latest value of the key). One filter, sort and group-by drive every pane, so the
 * panes show the same slice of each table.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type RunOut } from "../api/client";
import { atStep, mediaSteps, type MediaStep } from "../lib/media";
import { rowsKey, TableView, useTableFirstPage } from "./TableView";
import { filterPlaceholder, TableToolbar, type TableViewState } from "./TableToolbar";
import type { RunRef } from "./MediaView";
import { tableApi } from "../lib/tableQuery";

interface Pane {
  run: RunRef;
  label: string;
  step: number | null; // null: the run's latest value of the key
}

export function TableCompare(props: { run: RunRef; runName: string; mediaKey: string; steps: MediaStep[]; step: number | null; state: TableViewState; onClose: () => void }): React.JSX.Element {
  const { run, steps, state } = props;
  const here = atStep(steps, props.step);
  const before = steps[steps.indexOf(here ?? steps[0] ?? ({} as MediaStep)) - 1];
  const [panes, setPanes] = useState<Pane[]>(() => [
    { run, label: props.runName, step: here?.step ?? null },
    ...(before ? [{ run, label: props.runName, step: before.step }] : []),
  ]);
  const runs = useQuery({ queryKey: ["compareRuns", run.entity, run.project], queryFn: () => api.allRuns(run.entity, run.project), staleTime: 30_000 });
  const firstPath = here?.ref.path ?? "";
  const columnsQ = useQuery({
    queryKey: rowsKey(run, { path: firstPath, filter: "", sort: [] }, 0),
    queryFn: () => tableApi.rows(run, { path: firstPath, filter: "", sort: [] }, 0),
    staleTime: Infinity,
    enabled: firstPath !== "",
  });
  const columns = columnsQ.data?.columns ?? [];
  // The first pane asks the same (a shared query): the server's answer says whether the filter parses.
  const { error } = useTableFirstPage(run, firstPath, state.filter, state.sort);
  const add = (choice: string): void => {
    if (choice.startsWith("step:")) setPanes([...panes, { run, label: props.runName, step: Number(choice.slice(5)) }]);
    else if (choice.startsWith("run:")) {
      const other = (runs.data ?? []).find((r) => r.id === choice.slice(4));
      if (other) setPanes([...panes, { run: { entity: other.entity, project: other.project, id: other.id }, label: other.display_name, step: null }]);
    }
  };
  return (
    <div className="tv-compare" data-testid="table-compare">
      <TableToolbar state={state} columns={columns} placeholder={filterPlaceholder(columns, columnsQ.data?.rows[0])} error={error}>
        <select value="" onChange={(e) => add(e.target.value)} aria-label="add a table to compare" data-testid="table-compare-add">
          <option value="">Add…</option>
          <optgroup label="Steps of this run">
            {steps.map((s) => (
              <option key={s.step} value={`step:${s.step}`}>
                step {s.step}
              </option>
            ))}
          </optgroup>
          <optgroup label="Other runs (latest)">
            {otherRuns(runs.data, run).map((r) => (
              <option key={r.id} value={`run:${r.id}`}>
                {r.display_name}
              </option>
            ))}
          </optgroup>
        </select>
        <button type="button" onClick={props.onClose} data-testid="table-compare-close">
          Done
        </button>
      </TableToolbar>
      <div className="tv-panes" style={{ gridTemplateColumns: `repeat(${Math.max(1, panes.length)}, minmax(360px, 1fr))` }}>
        {panes.map((p, i) => (
          <ComparePane
            key={`${p.run.id}:${p.step ?? "latest"}:${i}`}
            pane={p}
            mediaKey={props.mediaKey}
            steps={p.run.id === run.id ? steps : null}
            state={state}
            onRemove={panes.length > 1 ? () => setPanes(panes.filter((_, j) => j !== i)) : null}
          />
        ))}
      </div>
    </div>
  );
}

function otherRuns(runs: RunOut[] | undefined, run: RunRef): RunOut[] {
  return (runs ?? []).filter((r) => r.id !== run.id).slice(0, 200);
}

function ComparePane(props: { pane: Pane; mediaKey: string; steps: MediaStep[] | null; state: TableViewState; onRemove: (() => void) | null }): React.JSX.Element {
  const { pane, mediaKey } = props;
  const refs = useQuery({
    queryKey: ["compareRefs", pane.run.entity, pane.run.project, pane.run.id, mediaKey],
    queryFn: async () => mediaSteps(await api.historyRows(pane.run.entity, pane.run.project, pane.run.id, [mediaKey], 10000), mediaKey),
    enabled: props.steps === null,
    staleTime: 30_000,
  });
  const steps = props.steps ?? refs.data ?? [];
  const shown = atStep(steps, pane.step);
  const label = (
    <span className="tv-pane-label" data-testid="table-pane-label">
      <strong>{pane.label}</strong> <span className="muted">step {shown?.step ?? "–"}</span>
      {props.onRemove && (
        <button type="button" className="icon" onClick={props.onRemove} aria-label="remove this table">
          ×
        </button>
      )}
    </span>
  );
  return (
    <div className="tv-pane" data-testid="table-pane">
      {shown?.ref.path ? (
        <TableView run={pane.run} path={shown.ref.path} name={`${mediaKey}-${pane.label}-${shown.step}`} state={props.state} bar={false} label={label} />
      ) : (
        <div className="muted">
          {label} {refs.isPending && props.steps === null ? "Loading…" : `No ${mediaKey} table in this run.`}
        </div>
      )}
    </div>
  );
}
