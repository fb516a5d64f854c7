/**
 * A report's history: every saved version (who, when, title, status), a version opened read-only,
 * the block-level diff between any two versions (the server's diff route), and Restore, which saves
 * an old version's document as the newest version (history is never rewritten).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ErrorState } from "../artifacts/common";
import { ago, dateTime } from "../lib/format";
import { Link, setParams, useParam } from "../router";
import { reportKeys, reportsApi, type BlockChange, type ReportOut } from "./api";
import { blockSummary } from "./blocks";
import { BlockView } from "./ReportView";
import { reportLink } from "./links";

export function ReportHistory({ report }: { report: ReportOut }): React.JSX.Element {
  const { entity, project, id } = report;
  const qc = useQueryClient();
  const versions = useQuery({ queryKey: reportKeys.versions(entity, project, id), queryFn: () => reportsApi.versions(entity, project, id) });
  const latest = report.latest_version;
  const to = Number(useParam("to") ?? latest);
  const from = Number(useParam("from") ?? Math.max(1, to - 1));
  const restore = useMutation({
    mutationFn: (version: number) => reportsApi.restore(entity, project, id, version),
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: reportKeys.all(entity, project, id) });
      setParams({ history: "1", from: String(saved.version - 1), to: String(saved.version), v: null }, { push: true });
    },
  });
  if (versions.isPending) return <div className="loading">Loading history…</div>;
  if (versions.isError) return <ErrorState title="Could not load the history" error={versions.error} />;
  const list = versions.data.versions;
  const choose = (name: "from" | "to", v: string): void => setParams({ [name]: v });
  return (
    <section className="report-history" data-testid="history">
      <h2>History</h2>
      <table className="grid-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Saved by</th>
            <th>When</th>
            <th>Title</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((v) => (
            <tr key={v.version} data-testid="version-row" data-version={v.version}>
              <td>
                <Link to={reportLink(entity, project, id, { version: v.version === latest ? null : v.version })}>v{v.version}</Link>
                {v.version === latest && <span className="badge">newest</span>}
              </td>
              <td>{v.author ?? "a former member"}</td>
              <td title={dateTime(v.created_at)}>{ago(v.created_at)}</td>
              <td>{v.title}</td>
              <td>
                <StatusBadge status={v.status} />
              </td>
              <td className="history-actions">
                {v.version > 1 && (
                  <button type="button" className="link" onClick={() => setParams({ from: String(v.version - 1), to: String(v.version) })} data-testid="compare-previous">
                    Changes
                  </button>
                )}
                {v.version !== latest && (
                  <button type="button" onClick={() => restore.mutate(v.version)} disabled={restore.isPending} data-testid="restore">
                    Restore
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {restore.isError && (
        <p className="filter-error" role="alert">
          Could not restore: {(restore.error as Error).message}
        </p>
      )}
      {latest > 1 && (
        <div className="diff-pick">
          Compare
          <VersionSelect value={from} versions={list.map((v) => v.version)} onChange={(v) => choose("from", v)} label="Compare from version" testId="diff-from" />
          with
          <VersionSelect value={to} versions={list.map((v) => v.version)} onChange={(v) => choose("to", v)} label="Compare to version" testId="diff-to" />
        </div>
      )}
      {latest > 1 && from !== to && <ReportDiffView report={report} from={from} to={to} />}
    </section>
  );
}

function VersionSelect(props: { value: number; versions: number[]; onChange: (v: string) => void; label: string; testId: string }): React.JSX.Element {
  return (
    <select value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-label={props.label} data-testid={props.testId}>
      {props.versions.map((v) => (
        <option key={v} value={v}>
          v{v}
        </option>
      ))}
    </select>
  );
}

export function StatusBadge({ status }: { status: "draft" | "published" }): React.JSX.Element {
  return (
    <span className={`badge report-status-${status}`} data-testid="status">
      {status === "published" ? "Published" : "Draft"}
    </span>
  );
}

function ReportDiffView({ report, from, to }: { report: ReportOut; from: number; to: number }): React.JSX.Element {
  const { entity, project, id } = report;
  const diff = useQuery({ queryKey: reportKeys.diff(entity, project, id, from, to), queryFn: () => reportsApi.diff(entity, project, id, from, to) });
  if (diff.isPending) return <div className="loading">Comparing…</div>;
  if (diff.isError) return <ErrorState title="Could not compare" error={diff.error} />;
  const d = diff.data;
  return (
    <div className="report-diff" data-testid="diff">
      <p className="muted">
        From v{d.from_version} to v{d.to_version}: {d.blocks.length} block{d.blocks.length === 1 ? "" : "s"} changed, {d.unchanged_blocks} unchanged
        {d.changed_fields.length > 0 && `; ${d.changed_fields.join(", ")} changed`}.
      </p>
      {d.blocks.map((c, i) => (
        <DiffEntry key={i} change={c} />
      ))}
    </div>
  );
}

function DiffSide({ block }: { block: BlockChange["old"] }): React.JSX.Element | null {
  if (!block) return null;
  // A panel grid's charts would load live data for each side; its summary says what changed.
  return block.type === "panel_grid" ? <p className="muted">{blockSummary(block)}</p> : <BlockView block={block} />;
}

function DiffEntry({ change }: { change: BlockChange }): React.JSX.Element {
  const where = change.change === "removed" ? `was block ${(change.old_index ?? 0) + 1}` : `block ${(change.new_index ?? 0) + 1}`;
  return (
    <div className={`diff-entry diff-${change.change}`} data-testid="diff-entry" data-change={change.change}>
      <div className="diff-label">
        {change.change === "added" ? "Added" : change.change === "removed" ? "Removed" : "Changed"} · {where}
      </div>
      {change.change === "changed" ? (
        <div className="diff-sides">
          <div className="diff-old">
            <DiffSide block={change.old} />
          </div>
          <div className="diff-new">
            <DiffSide block={change.new} />
          </div>
        </div>
      ) : (
        <DiffSide block={change.change === "added" ? change.new : change.old} />
      )}
    </div>
  );
}
