/** The runs table's bulk action bar, shown while runs are ticked (and after an action, with its
 * outcome): the ticked runs' count and what to do with them (add or remove a tag, move to another
 * project, archive, unarchive, delete permanently after a confirmation naming the count), each one
 * request (`lib/bulkRuns.ts`) that changes all of them or none, with its outcome or the server's
 * error (naming the runs it refused). "Show archived" is the toolbar's (`ShowArchived.tsx`). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "../api/client";
import { actionable, bulkRuns, countRuns, describeResult, MAX_BULK_RUNS, parseTags, runIdOf, type BulkAction, type BulkRunsRequest } from "../lib/bulkRuns";
import type { TableRun } from "../lib/tableRun";
import { useEscape } from "../lib/useEscape";
import "./runsBulk.css";

type Form = "add_tags" | "remove_tags" | "move" | "delete" | null;

export function RunsBulkBar(props: {
  entity: string;
  project: string;
  /** Every run in the table (filtered or not), in the table's order. */
  rows: readonly TableRun[];
  selected: ReadonlySet<string>;
  onSelected: (next: Set<string>) => void;
  showArchived: boolean;
}): React.JSX.Element | null {
  const { entity, project, rows, selected, onSelected, showArchived } = props;
  const qc = useQueryClient();
  const keys = useMemo(() => actionable(selected, rows.map((r) => r.key)), [selected, rows]);
  const archivedCount = useMemo(() => rows.filter((r) => selected.has(r.key) && r.run.archived_at != null).length, [rows, selected]);
  const [form, setForm] = useState<Form>(null);
  const [text, setText] = useState("");
  const [done, setDone] = useState<string | null>(null);
  useEscape(form !== null, () => setForm(null));
  const projects = useQuery({ queryKey: ["projects", "bulk-move"], queryFn: () => api.projects(), enabled: form === "move" });
  const apply = useMutation({
    mutationFn: (body: BulkRunsRequest) => bulkRuns(entity, project, body),
    onMutate: () => setDone(null),
    onSuccess: (result, body) => {
      setDone(describeResult(result));
      setForm(null);
      setText("");
      void qc.invalidateQueries({ queryKey: ["runs", entity, project] });
      void qc.invalidateQueries({ queryKey: ["projects"] });
      if (body.to_project) void qc.invalidateQueries({ queryKey: ["runs", entity, body.to_project] });
      // Runs that leave the table are not ticked any more; tagged runs stay ticked for the next action.
      const gone = body.action === "delete" || body.action === "move" || (body.action === "archive" && !showArchived);
      if (gone) onSelected(new Set([...selected].filter((k) => !keys.includes(k))));
    },
  });
  const run = (action: BulkAction, more: Partial<BulkRunsRequest> = {}): void => {
    apply.mutate({ run_ids: keys.map(runIdOf), action, ...more });
  };
  const submit = (e: React.FormEvent): void => {
    e.preventDefault();
    if (form === "add_tags" || form === "remove_tags") run(form, { tags: parseTags(text) });
    if (form === "move") run("move", { to_project: text.trim() });
  };
  const tooMany = keys.length > MAX_BULK_RUNS;
  const busy = apply.isPending || tooMany;
  const otherProjects = (projects.data?.projects ?? []).filter((p) => p.entity === entity && p.name !== project);
  // Nothing ticked and nothing to report: no bar (the charts keep their place).
  if (keys.length === 0 && !done && !apply.isError) return null;
  const dismiss = (): void => {
    setDone(null);
    apply.reset();
  };
  return (
    <div className={`bulk-bar${keys.length ? " has-selection" : ""}`} data-testid="bulk-bar">
      {keys.length > 0 ? (
        <>
          <span className="bulk-count" data-testid="bulk-count">
            {countRuns(keys.length)} selected
          </span>
          <button onClick={() => onSelected(new Set())} data-testid="bulk-clear">
            Clear
          </button>
          <span className="bulk-sep" />
          {form === "add_tags" || form === "remove_tags" || form === "move" ? (
            <form className="bulk-form" onSubmit={submit} data-testid="bulk-form">
              <input
                autoFocus
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder={form === "move" ? "project name" : "tag, another tag"}
                aria-label={form === "move" ? "project to move the runs to" : "tags"}
                list={form === "move" ? "bulk-projects" : undefined}
                data-testid="bulk-input"
              />
              {form === "move" && (
                <datalist id="bulk-projects">
                  {otherProjects.map((p) => (
                    <option key={p.name} value={p.name} />
                  ))}
                </datalist>
              )}
              <button type="submit" className="primary" disabled={busy || !text.trim()} data-testid="bulk-apply">
                {form === "add_tags" ? "Add tag" : form === "remove_tags" ? "Remove tag" : "Move"} ({keys.length})
              </button>
              <button type="button" onClick={() => setForm(null)}>
                Cancel
              </button>
            </form>
          ) : (
            <>
              <button onClick={() => setForm("add_tags")} disabled={busy} data-testid="bulk-add-tag">
                Add tag
              </button>
              <button onClick={() => setForm("remove_tags")} disabled={busy} data-testid="bulk-remove-tag">
                Remove tag
              </button>
              <button onClick={() => setForm("move")} disabled={busy} data-testid="bulk-move">
                Move to project
              </button>
              {archivedCount < keys.length && (
                <button onClick={() => run("archive")} disabled={busy} data-testid="bulk-archive" title="Hide from the table, charts and lists; restorable">
                  Archive
                </button>
              )}
              {archivedCount > 0 && (
                <button onClick={() => run("unarchive")} disabled={busy} data-testid="bulk-unarchive">
                  Unarchive
                </button>
              )}
              <button className="danger" onClick={() => setForm("delete")} disabled={busy} data-testid="bulk-delete">
                Delete permanently
              </button>
            </>
          )}
          {apply.isPending && <span className="muted">Working…</span>}
          {tooMany && (
            <span className="bulk-error" role="alert">
              At most {MAX_BULK_RUNS} runs at once: filter the table to fewer runs.
            </span>
          )}
        </>
      ) : null}
      {apply.isError && (
        <span className="bulk-error" role="alert" data-testid="bulk-error">
          {(apply.error as Error).message}
        </span>
      )}
      {done && !apply.isError && (
        <span className="bulk-done" role="status" data-testid="bulk-done">
          {done}
        </span>
      )}
      {keys.length === 0 && (
        <button className="bulk-dismiss" onClick={dismiss} aria-label="dismiss" title="Dismiss">
          ×
        </button>
      )}
      {form === "delete" && (
        <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setForm(null)}>
          <div className="dialog bulk-confirm" role="alertdialog" aria-modal="true" aria-labelledby="bulk-confirm-title" data-testid="bulk-confirm">
            <h2 id="bulk-confirm-title">Delete {countRuns(keys.length)} permanently?</h2>
            <p>
              Their history, files and console output are deleted too, and this cannot be undone. To hide runs and keep them,
              archive them instead.
            </p>
            <div className="bulk-confirm-actions">
              <button onClick={() => setForm(null)} autoFocus>
                Cancel
              </button>
              <button className="danger" onClick={() => run("archive")} disabled={busy || archivedCount === keys.length}>
                Archive instead
              </button>
              <button className="danger solid" onClick={() => run("delete")} disabled={busy} data-testid="bulk-confirm-delete">
                Delete {countRuns(keys.length)}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
