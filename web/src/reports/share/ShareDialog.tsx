/**
 * PLACEHOLDER (made by the editor helper so the report page compiles): the sharing helper replaces
 * this file with the real dialog (member link, public links). Until then it offers the page's link.
 */
import { useEscape } from "../../lib/useEscape";

export function ShareDialog(props: { entity: string; project: string; reportId: string; onClose: () => void }): React.JSX.Element {
  useEscape(true, props.onClose);
  const link = `${window.location.origin}/${encodeURIComponent(props.entity)}/${encodeURIComponent(props.project)}/reports/${encodeURIComponent(props.reportId)}`;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Share">
        <h3>Share</h3>
        <p>Members of the project open the report at:</p>
        <input readOnly value={link} aria-label="Report link" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
