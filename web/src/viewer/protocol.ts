/**
 * Messages between the app and the sandboxed media viewer (viewer.html, in an iframe with
 * `sandbox="allow-scripts"` and no `allow-same-origin`, so it runs in an opaque origin: it can
 * neither read the app's cookies or storage nor script the app's window).
 *
 * The viewer cannot fetch run files itself (it has no session), so the app fetches the file and
 * posts its bytes; the viewer draws them and answers with its state.
 */

export type ViewerKind = "plotly" | "object3d" | "molecule";

/** app → viewer: draw this file. `name` is the file's path (its extension gives the format). */
export interface DrawMessage {
  trackwellViewer: "draw";
  kind: ViewerKind;
  name: string;
  bytes: ArrayBuffer;
  /** The app's theme when it asked: the drawing's background follows it. */
  dark: boolean;
}

/** What the viewer drew, for the app's status line and tests. */
export interface DrawnDetail {
  points?: number;
  boxes?: number;
  vectors?: number;
  meshes?: number;
  atoms?: number;
  traces?: number;
  /** Non-background pixels of the first frame, sampled on a 200 x 200 grid. */
  painted?: number;
}

/** viewer → app. */
export type ViewerMessage =
  | { trackwellViewer: "ready" }
  | { trackwellViewer: "drawn"; detail: DrawnDetail }
  | { trackwellViewer: "no-webgl"; detail: DrawnDetail }
  | { trackwellViewer: "error"; message: string };

export function isViewerMessage(data: unknown): data is ViewerMessage {
  return !!data && typeof data === "object" && typeof (data as { trackwellViewer?: unknown }).trackwellViewer === "string";
}
