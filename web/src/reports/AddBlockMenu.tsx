/** The "+" between blocks of the editor: pick a block kind, it goes in at that place. */
import { useState } from "react";
import { useEscape } from "../lib/useEscape";
import { BLOCK_CHOICES, type BlockKind } from "./blocks";

export function AddBlockMenu({ onAdd, always }: { onAdd: (kind: BlockKind) => void; always?: boolean }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  useEscape(open, () => setOpen(false));
  return (
    <div className={`add-block${open ? " open" : ""}${always ? " always" : ""}`}>
      <button type="button" className="add-block-button" aria-label="Add a block here" aria-expanded={open} title="Add a block here" data-testid="add-block" onClick={() => setOpen(!open)}>
        +
      </button>
      {open && (
        <div className="add-block-menu" role="menu">
          {BLOCK_CHOICES.map((c) => (
            <button
              type="button"
              role="menuitem"
              key={c.kind}
              data-kind={c.kind}
              onClick={() => {
                setOpen(false);
                onAdd(c.kind);
              }}
            >
              {c.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
