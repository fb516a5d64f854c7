/**
 * A logged `trackwell.Molecule` drawn with 3Dmol.js: small molecules as sticks and balls, proteins
 * (many atoms) as a cartoon with their ligands as sticks. Drag to turn, wheel to zoom.
 */
import { LIGHT, paintedPixels, type Background } from "./pixels";
import type { DrawnDetail } from "./protocol";

/** 3Dmol's format name for each file type the SDK accepts. */
export const MOLECULE_FORMATS: Record<string, string> = {
  pdb: "pdb",
  pqr: "pqr",
  mmcif: "cif",
  mcif: "cif",
  cif: "cif",
  sdf: "sdf",
  sd: "sdf",
  gro: "gro",
  mol2: "mol2",
  mmtf: "mmtf",
};

export function moleculeFormat(name: string): string | undefined {
  const ext = name.toLowerCase().split(".").pop() ?? "";
  return MOLECULE_FORMATS[ext];
}

function hasWebGL(): boolean {
  try {
    return !!document.createElement("canvas").getContext("webgl2") || !!document.createElement("canvas").getContext("webgl");
  } catch {
    return false;
  }
}

export async function drawMolecule(root: HTMLElement, name: string, bytes: ArrayBuffer, background: Background = LIGHT): Promise<DrawnDetail | "no-webgl"> {
  const format = moleculeFormat(name);
  if (!format) throw new Error(`no molecule reader for ${name.split("/").pop() ?? name}`);
  if (!hasWebGL()) return "no-webgl";
  const $3Dmol = await import("3dmol");
  const viewer = $3Dmol.createViewer(root, { backgroundColor: background.css });
  const data = format === "mmtf" ? new Uint8Array(bytes) : new TextDecoder().decode(bytes);
  // keepH: 3Dmol drops hydrogens by default; from_smiles adds them on purpose (as wandb does).
  const model = viewer.addModel(data, format, { keepH: true });
  const atoms = model.selectedAtoms({}).length;
  if (atoms === 0) throw new Error(`no atoms in this ${format} file`);
  if (atoms > 300) {
    viewer.setStyle({}, { cartoon: { color: "spectrum" } });
    viewer.setStyle({ hetflag: true }, { stick: {} });
  } else {
    viewer.setStyle({}, { stick: { radius: 0.15 }, sphere: { scale: 0.25 } });
  }
  viewer.zoomTo();
  viewer.render();
  const canvas = root.querySelector("canvas");
  canvas?.setAttribute("data-testid", "viewer-canvas");
  return { atoms, painted: paintedPixels(canvas, background) };
}
