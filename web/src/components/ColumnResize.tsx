/**
 * Column widths a user drags: a handle on the right edge of each runs table header. While dragging
 * the width follows the pointer (kept in this component's state); on release it is handed to the
 * workspace, which keeps it in the browser. The handle is a focusable separator: ← and → resize by
 * 10 px (shift: 50 px), double-click or Delete gives the column its default width back.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import { clampColumnWidth } from "../lib/runColumns";

export type OnColumnWidth = (id: string, width: number | null) => void;

interface Drag {
  id: string;
  width: number;
}

/** The widths to draw (the stored ones, and the column being dragged at its live width) and the
 * handle to put in each header cell. */
export function useColumnResize(widths: Readonly<Record<string, number>> | undefined, onWidth: OnColumnWidth | undefined): {
  sizes: Readonly<Record<string, number>>;
  handle: (id: string, label: string, width: number) => React.ReactNode;
} {
  const [drag, setDrag] = useState<Drag | null>(null);
  const sizes = useMemo(() => (drag ? { ...widths, [drag.id]: drag.width } : (widths ?? {})), [widths, drag]);
  const start = useRef<{ x: number; width: number } | null>(null);
  const handle = useCallback(
    (id: string, label: string, width: number): React.ReactNode => {
      if (!onWidth) return null;
      return (
        <div
          className="th-resize"
          role="separator"
          aria-orientation="vertical"
          aria-label={`resize column ${label}`}
          aria-valuenow={width}
          tabIndex={0}
          title="Drag to resize; double-click for the default width"
          data-col={id}
          onPointerDown={(e) => {
            if (e.button !== 0) return;
            e.preventDefault();
            e.stopPropagation();
            e.currentTarget.setPointerCapture(e.pointerId);
            start.current = { x: e.clientX, width };
            setDrag({ id, width });
          }}
          onPointerMove={(e) => {
            if (!start.current) return;
            setDrag({ id, width: clampColumnWidth(start.current.width + e.clientX - start.current.x) });
          }}
          onPointerUp={(e) => {
            const from = start.current;
            if (!from) return;
            // Against the width the drag started from: this handler was made in a render that
            // already drew the dragged width.
            const w = clampColumnWidth(from.width + e.clientX - from.x);
            start.current = null;
            setDrag(null);
            if (w !== from.width) onWidth(id, w);
          }}
          onPointerCancel={() => {
            start.current = null;
            setDrag(null);
          }}
          onClick={(e) => e.stopPropagation()}
          onDoubleClick={() => onWidth(id, null)}
          onKeyDown={(e) => {
            const step = e.shiftKey ? 50 : 10;
            if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
              e.preventDefault();
              onWidth(id, clampColumnWidth(width + (e.key === "ArrowLeft" ? -step : step)));
            } else if (e.key === "Delete" || e.key === "Backspace") {
              e.preventDefault();
              onWidth(id, null);
            }
          }}
        />
      );
    },
    [onWidth],
  );
  return { sizes, handle };
}
