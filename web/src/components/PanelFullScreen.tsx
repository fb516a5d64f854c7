/**
 * A panel opened full-screen: the whole window, over the workspace, with the panel's legend and its
 * editor. The open panel is in the URL (`fullscreen=<panel id>`), so a link opens it; a line chart
 * there zooms on its own (its zoom is `full:<panel id>` in `zoom=`), leaving the grid's chart as it
 * was. Esc, the × or a click beside the panel closes it.
 */
import { useCallback, useEffect, useState } from "react";
import { createPortal } from "react-dom";
import { formatZooms, parseZooms, withZoom } from "../lib/zoom";
import { useEscape } from "../lib/useEscape";
import { currentParam, setParams, useParam } from "../router";
import "./panelEdit.css";

const PARAM = "fullscreen";

/** The zoom name of a panel's full-screen chart, apart from the grid chart's. */
export const fullScreenZoomId = (panelId: string): string => `full:${panelId}`;

export function useFullScreen(panelId: string): { open: boolean; show: () => void; close: () => void } {
  const open = useParam(PARAM) === panelId;
  const show = useCallback(() => setParams({ [PARAM]: panelId }), [panelId]);
  // Closing forgets the full-screen zoom: the next opening starts from the whole range again.
  const close = useCallback(() => setParams({ [PARAM]: null, zoom: formatZooms(withZoom(parseZooms(currentParam("zoom")), fullScreenZoomId(panelId), null)) }), [panelId]);
  return { open, show, close };
}

/** The chart height that fills the window below the panel's head and legend. */
function useFullHeight(): number {
  const read = (): number => Math.max(240, window.innerHeight - 100);
  const [h, setH] = useState(read);
  useEffect(() => {
    const on = (): void => setH(read());
    window.addEventListener("resize", on);
    return () => window.removeEventListener("resize", on);
  }, []);
  return h;
}

export function FullScreen(props: { title: string; onClose: () => void; children: (height: number) => React.ReactNode; escape?: boolean }): React.JSX.Element {
  const height = useFullHeight();
  useEscape(props.escape ?? true, props.onClose);
  return createPortal(
    <div className="fullscreen-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className="fullscreen-panel" role="dialog" aria-modal="true" aria-label={`${props.title}, full screen`} data-testid="panel-fullscreen">
        {props.children(height)}
      </div>
    </div>,
    document.body,
  );
}

/** The pencil and full-screen buttons of a panel's head. */
/** `onEdit` absent: a read-only panel (a report being read), with no edit button. */
export function PanelOpeners(props: { title: string; onEdit?: () => void; onFullScreen?: () => void; onClose?: () => void }): React.JSX.Element {
  return (
    <>
      {props.onEdit && (
        <button type="button" className="icon panel-opener" onClick={props.onEdit} title="Edit panel: title, metrics, axes, smoothing, runs" aria-label={`edit panel ${props.title}`} data-testid="panel-edit">
          ✎
        </button>
      )}
      {props.onFullScreen && (
        <button type="button" className="icon panel-opener" onClick={props.onFullScreen} title="Full screen" aria-label={`full screen ${props.title}`} data-testid="panel-fullscreen-open">
          ⤢
        </button>
      )}
      {props.onClose && (
        <button type="button" className="icon" onClick={props.onClose} title="Close full screen (Esc)" aria-label="close full screen" data-testid="panel-fullscreen-close">
          ✕
        </button>
      )}
    </>
  );
}
