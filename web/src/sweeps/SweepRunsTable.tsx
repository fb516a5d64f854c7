/** The sweep's runs, best first: rank, name (a link to the run), state, the metric, each swept
 * parameter, and when it started; the best run is marked. Shows the first 500 (a "show all"
 * button for more), since a long sweep can hold thousands. */
import { useState } from "react";
import { StateBadge } from "../components/StateBadge";
import { ago, dateTime, value as fmt } from "../lib/format";
import { Link, paths } from "../router";
import type { Trial } from "./sweepData";

const FIRST = 500;

export function SweepRunsTable(props: { entity: string; project: string; trials: Trial[]; params: string[]; metric: string | null; best: string | null }): React.JSX.Element {
  const [all, setAll] = useState(false);
  const list = all ? props.trials : props.trials.slice(0, FIRST);
  if (props.trials.length === 0) return <p className="muted">No run matches the brushes.</p>;
  return (
    <div className="sweep-runs-wrap">
      <table className="grid-table sweep-runs" data-testid="sweep-runs">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Run</th>
            <th>State</th>
            {props.metric && <th className="num">{props.metric}</th>}
            {props.params.map((p) => (
              <th key={p} className="num">
                {p}
              </th>
            ))}
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {list.map((t, i) => {
            const best = t.id === props.best;
            return (
              <tr key={t.id} className={best ? "best" : undefined} data-testid="sweep-run" data-run={t.id} data-best={best ? 1 : 0}>
                <td className="num muted">{t.value === null ? "" : i + 1}</td>
                <td>
                  {t.started ? (
                    <Link to={paths.run(props.entity, props.project, t.id)} className="strong">
                      {t.name}
                    </Link>
                  ) : (
                    <span className="muted" title="Proposed to an agent; its run has not started yet">
                      {t.id}
                    </span>
                  )}
                  {best && (
                    <span className="best-mark" title="The sweep's best run">
                      ★ best
                    </span>
                  )}
                </td>
                <td>
                  <StateBadge state={t.state} />
                  {t.stopReason && (
                    <span className="muted small" title={t.stopReason}>
                      {" "}
                      {t.stopReason.length > 40 ? `${t.stopReason.slice(0, 39)}…` : t.stopReason}
                    </span>
                  )}
                </td>
                {props.metric && <td className="num strong">{t.value === null ? "–" : fmt(t.value)}</td>}
                {props.params.map((p) => (
                  <td key={p} className="num">
                    {fmt(t.params[p])}
                  </td>
                ))}
                <td title={dateTime(t.created_at)}>{ago(t.created_at)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!all && props.trials.length > FIRST && (
        <button className="link" onClick={() => setAll(true)}>
          show all {props.trials.length} runs
        </button>
      )}
    </div>
  );
}
