/** Compare runs side by side: config keys as rows, runs as columns, differing rows first. */
import { useQueries } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Empty } from "../components/Empty";
import { flatten, value } from "../lib/format";
import { runColor } from "../lib/panels";
import { Link, compareRunIds, paths, useLocation } from "../router";
import { runQuery } from "../lib/queries";

export function Compare({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  useLocation(); // re-render when the URL changes
  const ids = compareRunIds(window.location.search);
  const [onlyDiff, setOnlyDiff] = useState(true);
  const results = useQueries({ queries: ids.map((id) => runQuery(entity, project, id)) });
  const runs = results.map((r) => r.data).filter((r) => r !== undefined);
  const rows = useMemo(() => {
    const flats = runs.map((r) => flatten(r.config as Record<string, unknown>));
    const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].filter((k) => !k.startsWith("_")).sort();
    return keys.map((k) => {
      const vals = flats.map((f) => value(f[k]));
      return { key: k, vals, differs: new Set(vals).size > 1 };
    });
  }, [runs]);
  if (ids.length < 2) return <Empty title="Select two or more runs in the table to compare them" />;
  const shown = onlyDiff ? rows.filter((r) => r.differs) : rows;
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          <Link to={paths.workspace(entity, project)}>
            {entity}/{project}
          </Link>{" "}
          / compare {ids.length} runs
        </h1>
        <label>
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> only differences
        </label>
      </div>
      <table className="grid-table" data-testid="compare">
        <thead>
          <tr>
            <th>Config</th>
            {runs.map((r) => (
              <th key={r.id}>
                <span className="swatch" style={{ background: runColor(`${r.entity}/${r.project}/${r.id}`) }} />{" "}
                <Link to={paths.run(r.entity, r.project, r.id)}>{r.display_name}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.key} className={r.differs ? "differs" : ""}>
              <th>{r.key}</th>
              {r.vals.map((v, i) => (
                <td key={i}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">The config of these runs is identical.</p>}
    </div>
  );
}
