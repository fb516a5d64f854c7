/**
 * The workspace's group-by control: the first key in a select (none ends grouping), each further
 * key in a select of its own (its "remove" option drops it), and a "+ then by…" select that adds
 * one. Runs are grouped by the combination of the keys' values, in this order (URL:
 * `group=c:optimizer,c:lr`).
 */
import { MAX_GROUP_KEYS } from "../lib/groupKeys";

export function GroupByControl(props: { keys: readonly string[]; choices: readonly string[]; label: (column: string) => string; onChange: (keys: string[]) => void }): React.JSX.Element {
  const { keys, choices, label, onChange } = props;
  const options = (current: string | null) =>
    choices
      .filter((c) => c === current || !keys.includes(c))
      .map((c) => (
        <option key={c} value={c}>
          {label(c)}
        </option>
      ));
  // Narrow selects: with three keys the toolbar still fits one line on a laptop screen.
  const narrow = { maxWidth: 150 };
  const setAt = (i: number, v: string) => onChange(v ? keys.map((k, j) => (j === i ? v : k)) : keys.filter((_, j) => j !== i));
  return (
    <span className="group-by" data-testid="group-by-control">
      <label>
        Group by
        <select value={keys[0] ?? ""} onChange={(e) => onChange(e.target.value ? [e.target.value, ...keys.slice(1).filter((k) => k !== e.target.value)] : [])} data-testid="group-by" style={narrow}>
          <option value="">none</option>
          {options(keys[0] ?? null)}
        </select>
      </label>
      {keys.slice(1).map((k, i) => (
        <select key={k} value={k} onChange={(e) => setAt(i + 1, e.target.value)} data-testid={`group-by-${i + 2}`} style={narrow} aria-label={`then group by (${i + 2})`}>
          <option value="">× remove</option>
          {options(k)}
        </select>
      ))}
      {keys.length > 0 && keys.length < MAX_GROUP_KEYS && (
        <select value="" onChange={(e) => e.target.value && onChange([...keys, e.target.value])} data-testid="group-add" style={narrow} aria-label="group by another key too" title="Group by another key too: one group per combination of values">
          <option value="">+ then by…</option>
          {options(null)}
        </select>
      )}
    </span>
  );
}
