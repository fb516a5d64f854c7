/** The workspace's top bar: the project, its sweeps and artifacts, saved views, the runs filter
 * (with its parse error or "no runs match" under it), grouping and the group band, the column
 * picker's button, Compare for the ticked runs, and the run count. Filter, grouping and band live
 * in the URL. */
import type { BandKind } from "../lib/grouping";
import { groupChoiceLabel } from "../lib/groupKeys";
import type { SavedViewState } from "../lib/viewSync";
import { Link, navigate, paths, setParams } from "../router";
import { GroupByControl } from "./GroupByControl";
import { columnLabel } from "./RunsTable";
import { ViewsMenu } from "./ViewsMenu";
import { ShowArchived } from "./ShowArchived";

export function WorkspaceToolbar(props: {
  entity: string;
  project: string;
  savedView: SavedViewState;
  filterText: string;
  filterError: string | null;
  groupKeys: string[];
  groupChoices: string[];
  onGroupKeys: (keys: string[]) => void;
  band: BandKind;
  onColumns: () => void;
  selected: ReadonlySet<string>;
  shown: number;
  total: number;
}): React.JSX.Element {
  const { entity, project, filterText, filterError, selected } = props;
  return (
    <>
      <div className="ws-toolbar">
        <h1 className="ws-title">
          <Link to={paths.projects()}>{entity}</Link> / {project}
        </h1>
        <Link to={paths.sweeps(entity, project)} data-testid="nav-sweeps">
          Sweeps
        </Link>
        <Link to={paths.artifacts(entity, project)} data-testid="nav-artifacts">
          Artifacts
        </Link>
        <Link to={paths.reports(entity, project)} data-testid="nav-reports">
          Reports
        </Link>
        <Link to={paths.alerts(entity, project)} data-testid="nav-alerts">
          Alerts
        </Link>
        <ViewsMenu saved={props.savedView} />
        <input
          className={`filter${filterError ? " invalid" : ""}`}
          placeholder='Filter runs: name, lr>0.01 state=running, or {"config.lr": {"$gt": 0.01}}   (press /)'
          value={filterText}
          onChange={(e) => setParams({ q: e.target.value })}
          data-testid="filter"
          id="run-filter"
          aria-label="filter runs"
          aria-invalid={filterError ? true : undefined}
          aria-describedby={filterError ? "run-filter-error" : undefined}
        />
        <GroupByControl keys={props.groupKeys} choices={props.groupChoices} label={(c) => groupChoiceLabel(c, columnLabel)} onChange={props.onGroupKeys} />
        {props.groupKeys.length > 0 && (
          <label title="What the band around each group's mean line spans, over every run of the group">
            Band
            <select value={props.band} onChange={(e) => setParams({ band: e.target.value === "minmax" ? null : e.target.value })} data-testid="band">
              <option value="minmax">min – max</option>
              <option value="std">± 1 std dev</option>
              <option value="stderr">± 1 std error</option>
            </select>
          </label>
        )}
        <button onClick={props.onColumns} data-testid="columns-button">
          Columns
        </button>
        {selected.size >= 2 && (
          <button className="primary" onClick={() => navigate(paths.compare(entity, project, [...selected].map((k) => k.split("/")[2] ?? "")))}>
            Compare {selected.size}
          </button>
        )}
        <ShowArchived />
        <span className="muted" data-testid="run-count">
          {props.shown} of {props.total} runs
        </span>
      </div>
      {filterError && (
        <div className="filter-error" role="alert" id="run-filter-error" data-testid="filter-error">
          {filterError}
        </div>
      )}
      {!filterError && filterText.trim() !== "" && props.shown === 0 && props.total > 0 && (
        <div className="filter-empty" role="status" data-testid="filter-empty">
          No runs match <code>{filterText.trim()}</code>{" "}
          <button onClick={() => setParams({ q: null })} data-testid="filter-clear">
            Clear filter
          </button>
        </div>
      )}
    </>
  );
}
