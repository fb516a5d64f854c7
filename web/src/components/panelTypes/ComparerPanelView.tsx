/**
 * Run comparer: the config and summary of the visible runs (or the chosen ones) side by side, a
 * column per run, by default only the keys whose values differ. Keys and names keep their case;
 * nested keys show where they nest; long values are cut to the column with the full text on hover.
 */
import { useMemo, useState } from "react";
import { HEIGHT_PX, updatePanel, type ComparerPanel } from "../../lib/layout";
import { runRefOf, selectByKey } from "../../lib/panelEdit";
import { comparerBlocks, comparerCell, keyParts } from "../../lib/panelTypes";
import { Link, paths } from "../../router";
import type { PanelContext } from "../PanelLayout";
import { PanelHead } from "./PanelTypeView";

const NAMES = new Intl.Collator(undefined, { numeric: true });
/** Columns drawn at most: wider than any screen already; a larger "Runs in charts" asks for a choice. */
export const MAX_COMPARED = 50;

export function ComparerPanelView({ panel, ctx, tools, full }: { panel: ComparerPanel; ctx: PanelContext; tools: React.ReactNode; full?: number | undefined }): React.JSX.Element {
  const [search, setSearch] = useState("");
  // Columns by run name (`run-2` before `run-10`): the charts' runs come in a stable, not a readable, order.
  const selected = useMemo(() => selectByKey(ctx.summaryRuns, ctx.runs, panel.runs), [ctx.summaryRuns, ctx.runs, panel.runs]);
  const runs = useMemo(() => selected.slice(0, MAX_COMPARED).sort((a, b) => NAMES.compare(a.name, b.name)), [selected]);
  const blocks = useMemo(() => comparerBlocks(runs, panel.diff_only, search), [runs, panel.diff_only, search]);
  const toggle = (): void => ctx.update((l) => updatePanel(l, panel.id, (p) => (p.type === "comparer" ? { ...p, diff_only: !p.diff_only } : p)));
  const title = panel.title || "Run comparer";
  const cols = runs.length + 1;
  return (
    <div className="panel comparer-panel" data-testid="panel" data-panel-type="comparer" data-count={runs.length}>
      <PanelHead
        title={title}
        note={selected.length > runs.length ? `the first ${runs.length} of ${selected.length} runs: choose runs to compare others` : `${runs.length} run${runs.length === 1 ? "" : "s"}${panel.runs ? " chosen" : ""}`}
        tools={
          <>
            <input className="comparer-search" placeholder="Search keys" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="search keys" />
            <button className={`chip${panel.diff_only ? " on" : ""}`} aria-pressed={panel.diff_only} onClick={toggle} title="Show only the keys whose values differ between the runs" data-testid="diff-only">
              differences only
            </button>
            {tools}
          </>
        }
      />
      {runs.length === 0 ? (
        <div className="panel-empty">No visible runs to compare</div>
      ) : (
        <div className="comparer-scroll" style={{ maxHeight: full ?? HEIGHT_PX[panel.size.height] + 60 }}>
          <table className="comparer-table" data-testid="comparer-table">
            <thead>
              <tr>
                <th className="comparer-key">Key</th>
                {runs.map((r) => (
                  <th key={r.key} className="comparer-run" title={r.name} data-run={r.name}>
                    <span className="cut">
                      <span className="swatch" style={{ background: r.color }} /> <Link to={paths.run(...runRefOf(r.key))}>{r.name}</Link>
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            {blocks.map((b) => (
              <tbody key={b.name} data-block={b.name}>
                <tr className="comparer-block">
                  <th colSpan={cols}>
                    {b.name} <span className="muted">{runs.length < 2 ? `${b.total} keys` : `${b.differing} of ${b.total} keys differ`}</span>
                  </th>
                </tr>
                {b.rows.map((row) => {
                  const [parent, leaf] = keyParts(row.key);
                  return (
                    <tr key={row.key} className={row.differs && !panel.diff_only ? "differs" : undefined} data-key={row.key} data-differs={row.differs}>
                      <th className="comparer-key" title={row.key}>
                        <span className="cut">
                          {parent && <span className="muted">{parent}</span>}
                          {leaf}
                        </span>
                      </th>
                      {row.values.map((v, i) => {
                        const cell = comparerCell(v);
                        return (
                          <td key={runs[i]?.key ?? i} title={cell.full} className={v === undefined ? "muted" : undefined}>
                            <span className="cut">{cell.text}</span>
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
                {b.rows.length === 0 && (
                  <tr>
                    <td colSpan={cols} className="muted comparer-none">
                      {search ? `No ${b.name.toLowerCase()} key contains “${search}”` : panel.diff_only && b.total > 0 ? (runs.length < 2 ? "One run: nothing to compare (turn off “differences only” to see its values)" : "The same in every run") : `No ${b.name.toLowerCase()} values`}
                    </td>
                  </tr>
                )}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </div>
  );
}
