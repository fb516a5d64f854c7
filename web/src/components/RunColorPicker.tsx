/**
 * The colour popover of a run or group (the swatch in the runs table): the 20 palette colours, a
 * custom colour, and "Automatic colour" to go back to the colour by creation order. The choice is
 * saved with the workspace layout (`run_colors`), so charts, legends, tooltips, the table and the
 * compare page all show it (lib/panels runColor / groupColor).
 */
import { useEffect, useRef } from "react";
import { PALETTE } from "../lib/panels";
import { useEscape } from "../lib/useEscape";
import "./runColors.css";

export interface ColorTarget {
  /** `entity/project/id` of a run, or `group:<label>`. */
  key: string;
  name: string;
  color: string;
  /** Whether the colour is the user's (a reset is offered). */
  picked: boolean;
  /** Where the swatch is on screen: the popover opens under it. */
  at: { left: number; bottom: number };
}

export function RunColorPicker(props: { target: ColorTarget; onPick: (key: string, color: string | null) => void; onClose: () => void }): React.JSX.Element {
  const { target, onPick, onClose } = props;
  const box = useRef<HTMLDivElement>(null);
  useEscape(true, onClose);
  // A click anywhere else closes it (the swatch that opened it toggles it itself).
  useEffect(() => {
    const down = (e: MouseEvent): void => {
      if (box.current && !box.current.contains(e.target as Node) && !(e.target as Element).closest?.("[data-color-swatch]")) onClose();
    };
    document.addEventListener("mousedown", down);
    return () => document.removeEventListener("mousedown", down);
  }, [onClose]);
  useEffect(() => box.current?.querySelector<HTMLButtonElement>("button[aria-pressed=true], button")?.focus(), []);
  const left = Math.max(4, Math.min(target.at.left, window.innerWidth - 232));
  const top = Math.min(target.at.bottom + 4, window.innerHeight - 170);
  return (
    <div className="color-picker" ref={box} role="dialog" aria-label={`Colour of ${target.name}`} style={{ left, top }} data-testid="color-picker">
      <div className="cp-title">{target.name}</div>
      <div className="cp-grid">
        {PALETTE.map((c) => (
          <button key={c} className="cp-color" style={{ background: c }} data-color={c} aria-label={c} aria-pressed={c === target.color} title={c} onClick={() => onPick(target.key, c)} />
        ))}
      </div>
      <div className="cp-row">
        <label>
          Custom <input type="color" value={target.color} onChange={(e) => onPick(target.key, e.target.value)} data-testid="color-custom" />
        </label>
        {target.picked && (
          <button className="link" onClick={() => onPick(target.key, null)} data-testid="color-reset" title="Back to the colour it gets by creation order">
            Automatic colour
          </button>
        )}
      </div>
    </div>
  );
}
