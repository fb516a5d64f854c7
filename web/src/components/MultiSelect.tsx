/**
 * A searchable multi-select: the picked values as chips, a search box that also takes a regular
 * expression (`train/.*`), and the matching options as checkboxes. "Select all matching" (or Enter
 * in the search box) picks every match at once, up to `max`. Replaces the native list box, where
 * picking several needed Ctrl/⌘-click and a long list could not be searched.
 */
import { useId, useMemo, useState } from "react";
import { pickMatching } from "../lib/panelEdit";
import { searchMatcher } from "../lib/panels";
import "./panelEdit.css";

/** Options drawn at once; a longer list asks for a narrower search. */
const SHOWN = 200;

export function MultiSelect(props: {
  options: readonly string[];
  value: readonly string[];
  onChange: (value: string[]) => void;
  /** Names the control (its aria-label; the search box is "<label> search"). */
  label: string;
  max?: number;
  /** Display names of options (run names for run ids); searched instead of the values. */
  names?: ReadonlyMap<string, string>;
  placeholder?: string;
}): React.JSX.Element {
  const { options, value, onChange, max } = props;
  const [query, setQuery] = useState("");
  const listId = useId();
  const name = (o: string): string => props.names?.get(o) ?? o;
  const matching = useMemo(() => {
    const match = searchMatcher(query);
    return options.filter((o) => match(props.names?.get(o) ?? o));
  }, [options, query, props.names]);
  const picked = new Set(value);
  const full = max !== undefined && value.length >= max;
  const toggle = (o: string): void => {
    if (picked.has(o)) onChange(value.filter((v) => v !== o));
    else if (!full) onChange([...value, o]);
  };
  const { next, dropped } = pickMatching(value, matching, max);
  const selectMatching = (): void => {
    if (next.length !== value.length) onChange(next);
  };
  return (
    <div className="multi-select" role="group" aria-label={props.label} data-testid="multi-select">
      <div className="ms-chips" aria-live="polite">
        {value.length === 0 && <span className="muted">none picked</span>}
        {value.map((v) => (
          <span key={v} className="ms-chip" data-testid="ms-chip" data-value={v} title={v}>
            {name(v)}
            <button type="button" className="icon" onClick={() => toggle(v)} aria-label={`remove ${name(v)}`}>
              ×
            </button>
          </span>
        ))}
        {value.length > 1 && (
          <button type="button" className="link" onClick={() => onChange([])}>
            clear
          </button>
        )}
      </div>
      <div className="ms-search-row">
        <input
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              if (query.trim()) selectMatching();
            }
          }}
          placeholder={props.placeholder ?? "Search, or a regex such as train/.*"}
          aria-label={`${props.label} search`}
          aria-controls={listId}
          data-testid="ms-search"
        />
        {query.trim() && (
          <button type="button" onClick={selectMatching} disabled={next.length === value.length} data-testid="ms-select-matching" title="Pick every option the search matches (Enter)">
            Select all {matching.length} matching
          </button>
        )}
      </div>
      {dropped > 0 && query.trim() && <div className="ms-note">At most {max} can be picked: {dropped} matching would be left out.</div>}
      <div className="ms-options" id={listId} data-testid="ms-options">
        {matching.slice(0, SHOWN).map((o) => (
          <label key={o} className={`ms-option${picked.has(o) ? " on" : ""}`} title={o}>
            <input type="checkbox" checked={picked.has(o)} disabled={!picked.has(o) && full} onChange={() => toggle(o)} />
            <span>{name(o)}</span>
          </label>
        ))}
        {matching.length === 0 && <div className="ms-note">Nothing matches “{query}”.</div>}
        {matching.length > SHOWN && <div className="ms-note">{matching.length - SHOWN} more: narrow the search.</div>}
      </div>
    </div>
  );
}
