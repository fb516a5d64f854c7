/** A secret the server sends once (a new API key, a service account's key, an invite link): shown
 * with a copy button and a warning until dismissed, then gone from the page's state for good. */
import { CopyButton } from "../artifacts/common";

export function ShownOnce({ title, secret, note, onDone }: { title: string; secret: string; note: string; onDone: () => void }): React.JSX.Element {
  return (
    <div className="shown-once" role="status" data-testid="shown-once">
      <div className="shown-once-title">{title}</div>
      <div className="shown-once-row">
        <code data-testid="secret">{secret}</code>
        <CopyButton text={secret} />
      </div>
      <div className="muted">{note}</div>
      <button type="button" onClick={onDone} data-testid="shown-once-done">
        Done
      </button>
    </div>
  );
}
