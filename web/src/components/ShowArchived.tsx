/** The workspace toolbar's "Archived" switch: archived runs back in the runs table (greyed, with a
 * badge) and in the charts. It lives in the URL (`archived=1`), so a link keeps it. */
import { setParams, useLocation } from "../router";
import "./runsBulk.css";

export function ShowArchived(): React.JSX.Element {
  const on = useLocation().search.get("archived") === "1";
  return (
    <label className="show-archived" title="Archived runs are hidden from the runs table, charts and run counts; show them">
      <input type="checkbox" checked={on} onChange={(e) => setParams({ archived: e.target.checked ? "1" : null })} data-testid="show-archived" />
      Show archived
    </label>
  );
}
