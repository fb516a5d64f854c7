/**
 * The sandboxed media viewer (viewer.html): draws one Plotly figure, 3D object or molecule that the
 * app posts to it (see protocol.ts). Each kind's library (plotly.js, three.js, 3Dmol.js) is its own
 * chunk, loaded only when a file of that kind arrives, so neither the app's bundle nor this page
 * carries what it does not draw.
 */
import { DARK, LIGHT } from "./pixels";
import type { DrawMessage, DrawnDetail, ViewerMessage } from "./protocol";
import "./viewer.css";

const root = document.getElementById("viewer") as HTMLDivElement;

function reply(message: ViewerMessage): void {
  // The parent is the app; its origin cannot be named from an opaque origin, and nothing secret is sent.
  window.parent.postMessage(message, "*");
}

/** A plain-text note in place of a drawing (no HTML from the file ever reaches the DOM). */
export function showNote(text: string): void {
  const note = document.createElement("div");
  note.className = "viewer-note";
  note.textContent = text;
  root.replaceChildren(note);
}

async function draw(message: DrawMessage): Promise<ViewerMessage> {
  root.replaceChildren();
  const background = message.dark === true ? DARK : LIGHT;
  document.body.classList.toggle("dark", message.dark === true);
  let detail: DrawnDetail | "no-webgl";
  if (message.kind === "plotly") {
    const { drawPlotly } = await import("./plotly");
    detail = await drawPlotly(root, message.bytes, message.dark === true);
  } else if (message.kind === "object3d") {
    const { drawObject3D } = await import("./object3d");
    detail = await drawObject3D(root, message.name, message.bytes, background);
  } else {
    const { drawMolecule } = await import("./molecule");
    detail = await drawMolecule(root, message.name, message.bytes, background);
  }
  if (detail === "no-webgl") {
    showNote("This browser cannot draw 3D here (WebGL is off or unavailable). Download the file to view it.");
    return { trackwellViewer: "no-webgl", detail: {} };
  }
  return { trackwellViewer: "drawn", detail };
}

let drawing = false;
window.addEventListener("message", (event: MessageEvent<unknown>) => {
  // Only the embedding app may ask for a drawing, and only once per frame.
  if (event.source !== window.parent || drawing) return;
  const data = event.data as Partial<DrawMessage> | null;
  if (!data || data.trackwellViewer !== "draw" || !(data.bytes instanceof ArrayBuffer) || typeof data.name !== "string") return;
  if (data.kind !== "plotly" && data.kind !== "object3d" && data.kind !== "molecule") return;
  drawing = true;
  draw(data as DrawMessage).then(reply, (e: unknown) => {
    const text = e instanceof Error ? e.message : String(e);
    showNote(`Could not draw this file: ${text}`);
    reply({ trackwellViewer: "error", message: text });
  });
});

reply({ trackwellViewer: "ready" });
