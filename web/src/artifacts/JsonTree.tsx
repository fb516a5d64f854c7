/** Metadata as a readable, foldable JSON tree. Keys and values are text nodes only: HTML in a
 * metadata value shows as the characters it is made of. */
import { useState } from "react";

const SHOW = 100;

export function JsonTree({ value }: { value: unknown }): React.JSX.Element {
  return (
    <div className="json-tree" data-testid="json-tree">
      <JsonValue value={value} depth={0} />
    </div>
  );
}

function JsonValue({ value, depth }: { value: unknown; depth: number }): React.JSX.Element {
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === "string") return <span className="j-str">{JSON.stringify(value)}</span>;
  if (typeof value === "number" || typeof value === "bigint") return <span className="j-num">{String(value)}</span>;
  if (typeof value === "boolean") return <span className="j-bool">{String(value)}</span>;
  if (typeof value !== "object") return <span>{String(value)}</span>;
  return <JsonContainer value={value as Record<string, unknown> | unknown[]} depth={depth} />;
}

function JsonContainer({ value, depth }: { value: Record<string, unknown> | unknown[]; depth: number }): React.JSX.Element {
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, setOpen] = useState(depth < 2 && entries.length <= 50);
  const [shown, setShown] = useState(SHOW);
  const [lb, rb] = isArray ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return <span className="j-punct">{lb + rb}</span>;
  return (
    <span className="j-container">
      <button type="button" className="j-toggle" onClick={() => setOpen(!open)} aria-expanded={open} aria-label={open ? "collapse" : "expand"}>
        {open ? "▾" : "▸"}
      </button>
      <span className="j-punct">{lb}</span>
      {!open && (
        <button type="button" className="link j-summary" onClick={() => setOpen(true)}>
          {isArray ? `${entries.length} items` : `${entries.length} keys`}
        </button>
      )}
      {open && (
        <div className="j-children">
          {entries.slice(0, shown).map(([k, v]) => (
            <div key={k} className="j-row">
              {!isArray && <span className="j-key">{k}</span>}
              {!isArray && <span className="j-punct">: </span>}
              <JsonValue value={v} depth={depth + 1} />
            </div>
          ))}
          {entries.length > shown && (
            <button type="button" className="link" onClick={() => setShown(shown + SHOW * 10)}>
              {entries.length - shown} more…
            </button>
          )}
        </div>
      )}
      <span className="j-punct">{rb}</span>
    </span>
  );
}
