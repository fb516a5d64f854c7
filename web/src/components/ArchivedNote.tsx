/** The run page's notice on an archived run: when it was archived, that it is hidden from the
 * project's table, charts and counts, and the button that restores it (`lib/bulkRuns.ts`). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RunOut } from "../api/client";
import { bulkRuns } from "../lib/bulkRuns";
import { dateTime } from "../lib/format";
import "./runsBulk.css";

export function ArchivedBadge({ run }: { run: RunOut }): React.JSX.Element | null {
  if (run.archived_at == null) return null;
  return (
    <span className="archived-badge" data-testid="run-archived-badge">
      Archived
    </span>
  );
}

export function ArchivedNote({ run }: { run: RunOut }): React.JSX.Element | null {
  const qc = useQueryClient();
  const restore = useMutation({
    mutationFn: () => bulkRuns(run.entity, run.project, { run_ids: [run.id], action: "unarchive" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["run", run.entity, run.project, run.id] });
      void qc.invalidateQueries({ queryKey: ["runs", run.entity, run.project] });
      void qc.invalidateQueries({ queryKey: ["projects"] });
    },
  });
  if (run.archived_at == null) return null;
  return (
    <div className="run-archived-note" role="status" data-testid="run-archived">
      <span>
        Archived {dateTime(run.archived_at)}: hidden from the project&apos;s runs table, charts and run counts. Its history and files are kept.
      </span>
      <button onClick={() => restore.mutate()} disabled={restore.isPending} data-testid="run-unarchive">
        Unarchive
      </button>
      {restore.isError && <span className="filter-error">{(restore.error as Error).message}</span>}
    </div>
  );
}
