/**
 * Everything a user logged that a browser could run is shown in a sandboxed iframe, never in the
 * app's own document: `SandboxFrame` is that one mechanism.
 *
 * - Logged HTML: the file itself (served with `Content-Security-Policy: sandbox`) in `sandbox=""`:
 *   no scripts, no origin.
 * - Plotly figures, 3D objects, molecules: our viewer page (viewer.html) in `sandbox="allow-scripts"`
 *   without `allow-same-origin`, so its scripts run in an opaque origin: a figure whose JSON carries
 *   a script payload can neither read the session nor touch the app's window. The viewer has no
 *   session of its own, so `SandboxedViewer` fetches the file here and posts its bytes to the frame.
 *   The viewer's libraries (plotly.js, three.js, 3Dmol.js) load only inside the frame, on first use.
 */
import { useEffect, useRef, useState } from "react";
import { isViewerMessage, type DrawMessage, type DrawnDetail, type ViewerKind } from "../../viewer/protocol";

export function SandboxFrame(props: {
  src: string;
  scripts: boolean;
  title: string;
  className: string;
  testid: string;
  frameRef?: React.Ref<HTMLIFrameElement>;
}): React.JSX.Element {
  return (
    <iframe
      ref={props.frameRef}
      className={props.className}
      // Never allow-same-origin: with it, a script in the frame could reach the app.
      sandbox={props.scripts ? "allow-scripts" : ""}
      src={props.src}
      title={props.title}
      data-testid={props.testid}
    />
  );
}

type ViewerState = { state: "loading" } | { state: "drawn" | "no-webgl"; detail: DrawnDetail } | { state: "error"; message: string };

const VIEWER_URL = "/viewer.html";

/** A Plotly figure, 3D object or molecule file of a run, drawn by the sandboxed viewer. */
export function SandboxedViewer(props: { kind: ViewerKind; src: string; name: string; caption?: string | null | undefined }): React.JSX.Element {
  const { kind, src, name } = props;
  const frame = useRef<HTMLIFrameElement>(null);
  const [view, setView] = useState<ViewerState>({ state: "loading" });

  useEffect(() => {
    let alive = true;
    let posted = false;
    setView({ state: "loading" });
    const bytes = fetch(src, { credentials: "same-origin" }).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.arrayBuffer();
    });
    bytes.catch((e: unknown) => alive && setView({ state: "error", message: e instanceof Error ? e.message : String(e) }));
    const onMessage = (event: MessageEvent<unknown>): void => {
      const win = frame.current?.contentWindow;
      if (!alive || !win || event.source !== win || !isViewerMessage(event.data)) return;
      const m = event.data;
      if (m.trackwellViewer === "ready") {
        // Once per frame: the first page in it is our viewer; whatever it might navigate to later gets nothing.
        if (posted) return;
        posted = true;
        void bytes.then((b) => {
          const dark = document.documentElement.dataset.theme === "dark";
          const draw: DrawMessage = { trackwellViewer: "draw", kind, name, bytes: b, dark };
          // An opaque origin has no name to target: "*" (the frame is ours, checked by source above).
          win.postMessage(draw, "*", [b]);
        });
      } else if (m.trackwellViewer === "error") setView({ state: "error", message: m.message });
      else setView({ state: m.trackwellViewer, detail: m.detail });
    };
    window.addEventListener("message", onMessage);
    return () => {
      alive = false;
      window.removeEventListener("message", onMessage);
    };
  }, [src, kind, name]);

  const detail = "detail" in view ? view.detail : undefined;
  return (
    <figure className={`media-viewer media-viewer-${kind}`} data-testid="media-viewer" data-kind={kind} data-state={view.state} data-detail={detail ? JSON.stringify(detail) : undefined}>
      {/* The key gives each file a fresh frame (and so a fresh "ready"). */}
      <SandboxFrame key={src} frameRef={frame} src={VIEWER_URL} scripts title={`${kind} ${name}`} className="media-viewer-frame" testid="media-viewer-frame" />
      <figcaption>
        {props.caption && <span data-testid="media-caption">{props.caption} </span>}
        <span className="muted" data-testid="media-viewer-status">
          {statusText(kind, view)}
        </span>{" "}
        {kind !== "plotly" && (
          <a href={src} download={name.split("/").pop()} className="muted">
            download
          </a>
        )}
      </figcaption>
    </figure>
  );
}

function statusText(kind: ViewerKind, view: ViewerState): string {
  if (view.state === "loading") return kind === "plotly" ? "Loading the chart…" : "Loading the viewer…";
  if (view.state === "error") return `Could not draw this file: ${view.message}`;
  if (view.state === "no-webgl") return "3D needs WebGL, which this browser has off";
  const d = view.detail;
  const parts: string[] = [];
  const n = (v: number | undefined, one: string, many: string): void => {
    if (v) parts.push(`${v.toLocaleString("en-US")} ${v === 1 ? one : many}`);
  };
  n(d.points, "point", "points");
  n(d.boxes, "box", "boxes");
  n(d.vectors, "vector", "vectors");
  n(d.meshes, "mesh", "meshes");
  n(d.atoms, "atom", "atoms");
  n(d.traces, "trace", "traces");
  return parts.join(" · ") + (kind === "plotly" ? "" : " · drag to turn, scroll to zoom");
}

/** A button that opens a viewer in an overlay: for table cells and small panels, where a live
 * WebGL frame per cell would exhaust the browser's contexts. */
export function ViewerButton(props: { kind: ViewerKind; src: string; name: string; caption?: string | null | undefined }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const label = props.kind === "molecule" ? "molecule" : props.kind === "plotly" ? "chart" : "3D";
  return (
    <>
      <button type="button" className="chip" onClick={() => setOpen(true)} data-testid="media-viewer-open" title={props.name}>
        View {label}
        {props.caption ? `: ${props.caption}` : ""}
      </button>
      {open && (
        <div className="media-zoom" role="dialog" aria-label={`${label} viewer`} onClick={() => setOpen(false)} data-testid="media-viewer-dialog">
          <div className="media-zoom-bar" onClick={(e) => e.stopPropagation()}>
            <span>{props.caption ?? props.name.split("/").pop()}</span>
            <span className="spacer" />
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          <div className="media-zoom-body" onClick={(e) => e.stopPropagation()}>
            <SandboxedViewer {...props} />
          </div>
        </div>
      )}
    </>
  );
}
