/** Shown when a save was refused because someone saved since (409): who, when, and the two ways on:
 * load their version (dropping these edits) or save these edits over it, knowingly. */
import { ago } from "../lib/format";
import type { ReportOut } from "./api";

export function ConflictBanner(props: { newest: ReportOut; onReload: () => void; onOverwrite: () => void }): React.JSX.Element {
  const { newest } = props;
  return (
    <div className="editor-conflict" role="alert" data-testid="conflict">
      <strong>Not saved: someone else saved this report while you were editing.</strong>
      <div>
        Version {newest.version} was saved by {newest.author ?? "a former member"} {ago(newest.version_created_at)}. Your changes are still here, unsaved.
      </div>
      <div className="conflict-actions">
        <button type="button" onClick={props.onReload} data-testid="conflict-reload">
          Load their version (discard my changes)
        </button>
        <button type="button" className="danger" onClick={props.onOverwrite} data-testid="conflict-overwrite">
          Save mine over theirs
        </button>
        <span className="muted">Their version stays in History either way.</span>
      </div>
    </div>
  );
}
