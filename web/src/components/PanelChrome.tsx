/**
 * The controls every workspace panel carries in its head: a drag handle (drag it to move the panel;
 * focused, the arrow keys move it one place) and a menu to resize, move (also to another section)
 * and remove it. Menu and keys are the accessible way to do what drag and drop does.
 */
import { useEffect, useRef, useState } from "react";
import { HEIGHTS, WIDTHS, type Height, type PanelSize, type Width } from "../lib/layout";
import "./panels.css";

export const PANEL_MIME = "application/x-trackwell-panel";

export interface PanelActions {
  resize: (size: Partial<PanelSize>) => void;
  moveBy: (delta: number) => void;
  moveToSection: (section: string) => void;
  remove: () => void;
  /** Opens the panel editor. */
  edit?: () => void;
  /** Opens the panel full-screen. */
  fullScreen?: () => void;
}

const WIDTH_LABEL: Record<Width, string> = { third: "⅓", half: "½", full: "full" };
const HEIGHT_LABEL: Record<Height, string> = { small: "S", medium: "M", large: "L" };

export function DragHandle({ id, title, onMove }: { id: string; title: string; onMove: (delta: number) => void }): React.JSX.Element {
  return (
    <button
      className="drag-handle"
      draggable
      data-testid="drag-handle"
      title="Drag to move; or focus and press ← → to move"
      aria-label={`move panel ${title}`}
      onDragStart={(e) => {
        e.dataTransfer.setData(PANEL_MIME, id);
        e.dataTransfer.effectAllowed = "move";
        const slot = (e.currentTarget as HTMLElement).closest(".panel-slot");
        if (slot instanceof HTMLElement) e.dataTransfer.setDragImage(slot, 20, 20);
      }}
      onKeyDown={(e) => {
        const delta = e.key === "ArrowLeft" || e.key === "ArrowUp" ? -1 : e.key === "ArrowRight" || e.key === "ArrowDown" ? 1 : 0;
        if (delta === 0) return;
        e.preventDefault();
        onMove(delta);
        // The panel re-renders in its new place; keep the keyboard on its handle.
        const target = e.currentTarget;
        requestAnimationFrame(() => target.isConnected && target.focus());
      }}
    >
      ⠿
    </button>
  );
}

function ChoiceRow<T extends string>(props: { name: string; label: string; options: T[]; labels: Record<T, string>; value: T; onPick: (v: T) => void }): React.JSX.Element {
  return (
    <div className="menu-row" role="group" aria-label={props.name}>
      <span className="menu-label">{props.label}</span>
      {props.options.map((o) => (
        <button key={o} role="menuitemradio" aria-checked={props.value === o} className={`chip${props.value === o ? " on" : ""}`} onClick={() => props.onPick(o)} aria-label={`${props.name} ${o}`}>
          {props.labels[o]}
        </button>
      ))}
    </div>
  );
}

export function PanelMenu(props: { title: string; size: PanelSize; section: string; sections: string[]; actions: PanelActions }): React.JSX.Element {
  const { size, actions } = props;
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent): void => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
      // This Escape closed the menu: a full-screen view around it stays open (lib/useEscape).
      if (e instanceof KeyboardEvent && e.key === "Escape") e.preventDefault();
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  const act = (f: () => void) => () => {
    f();
    setOpen(false);
  };
  return (
    <span className="panel-menu" ref={ref}>
      <button className="icon" aria-haspopup="menu" aria-expanded={open} aria-label={`panel menu ${props.title}`} title="Panel: size, move, remove" onClick={() => setOpen(!open)} data-testid="panel-menu">
        ⋯
      </button>
      {open && (
        <div className="panel-menu-list" role="menu" aria-label={`${props.title} panel`}>
          {actions.edit && (
            <button role="menuitem" className="menu-item" onClick={act(actions.edit)}>
              ✎ Edit panel…
            </button>
          )}
          {actions.fullScreen && (
            <button role="menuitem" className="menu-item" onClick={act(actions.fullScreen)}>
              ⤢ Full screen
            </button>
          )}
          <ChoiceRow name="width" label="Width" options={WIDTHS} labels={WIDTH_LABEL} value={size.width} onPick={(width) => actions.resize({ width })} />
          <ChoiceRow name="height" label="Height" options={HEIGHTS} labels={HEIGHT_LABEL} value={size.height} onPick={(height) => actions.resize({ height })} />
          <button role="menuitem" className="menu-item" onClick={() => actions.moveBy(-1)}>
            ← Move earlier
          </button>
          <button role="menuitem" className="menu-item" onClick={() => actions.moveBy(1)}>
            → Move later
          </button>
          {/* One section only (a report's grid): nowhere else to move to. */}
          {new Set([...props.sections, props.section]).size > 1 && (
            <label className="menu-row">
              <span className="menu-label">Section</span>
              <select value={props.section} onChange={(e) => act(() => actions.moveToSection(e.target.value))()} aria-label="move to section">
                {[...new Set([...props.sections, props.section])].map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
          )}
          <button role="menuitem" className="menu-item danger" onClick={act(actions.remove)}>
            Remove panel
          </button>
        </div>
      )}
    </span>
  );
}
