/**
 * A logged `trackwell.Object3D` drawn with three.js: point clouds (`.pts.json`: a list of
 * [x, y, z], [x, y, z, category] or [x, y, z, r, g, b] points, or a `lidar/beta` scene with boxes
 * and vectors) and meshes (`.obj`, `.stl`, `.gltf`, `.glb`). Orbit controls: drag to turn, wheel to
 * zoom, right-drag to pan. The file's format follows its name, as the SDK wrote it.
 */
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { parsePointFile, boxEdges, type Scene } from "./pointcloud";
import { LIGHT, paintedPixels, type Background } from "./pixels";
import type { DrawnDetail } from "./protocol";

/** The renderer, or null where the browser has no WebGL (the caller shows a note instead). */
function makeRenderer(): THREE.WebGLRenderer | null {
  try {
    // preserveDrawingBuffer: the drawn pixels stay readable (screenshots, the browser tests).
    return new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  } catch {
    return null;
  }
}

export async function drawObject3D(root: HTMLElement, name: string, bytes: ArrayBuffer, background: Background = LIGHT): Promise<DrawnDetail | "no-webgl"> {
  const lower = name.toLowerCase();
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(background.hex);
  const detail: DrawnDetail = {};
  if (lower.endsWith(".pts.json")) {
    const parsed = parsePointFile(JSON.parse(new TextDecoder().decode(bytes)));
    addPointScene(scene, parsed);
    Object.assign(detail, { points: parsed.points.length, boxes: parsed.boxes.length, vectors: parsed.vectors.length });
  } else if (lower.endsWith(".babylon")) {
    throw new Error("Babylon scenes are not drawn here; download the file to open it in Babylon.js");
  } else {
    detail.meshes = addMeshes(scene, await loadMesh(lower, bytes));
  }
  const renderer = makeRenderer();
  if (!renderer) return "no-webgl";
  renderer.setPixelRatio(window.devicePixelRatio);
  root.append(renderer.domElement);
  renderer.domElement.dataset.testid = "viewer-canvas";
  const camera = new THREE.PerspectiveCamera(50, 1, 0.01, 1e6);
  const controls = new OrbitControls(camera, renderer.domElement);
  frame(scene, camera, controls, lower.endsWith(".pts.json"));
  const render = (): void => renderer.render(scene, camera);
  const resize = (): void => {
    const w = Math.max(1, root.clientWidth);
    const h = Math.max(1, root.clientHeight);
    renderer.setSize(w, h);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    render();
  };
  controls.addEventListener("change", render);
  new ResizeObserver(resize).observe(root);
  resize();
  detail.painted = paintedPixels(renderer.domElement, background);
  return detail;
}

/** Points by their colour rule, boxes as wire frames with labels, vectors as arrows. */
function addPointScene(scene: THREE.Scene, parsed: Scene): void {
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(parsed.positions, 3));
  geometry.setAttribute("color", new THREE.Float32BufferAttribute(parsed.colors, 3));
  const material = new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true });
  scene.add(new THREE.Points(geometry, material));
  for (const box of parsed.boxes) {
    const segments: number[] = [];
    for (const [a, b] of boxEdges(box.corners)) segments.push(...box.corners[a]!, ...box.corners[b]!);
    const lines = new THREE.BufferGeometry();
    lines.setAttribute("position", new THREE.Float32BufferAttribute(segments, 3));
    scene.add(new THREE.LineSegments(lines, new THREE.LineBasicMaterial({ color: new THREE.Color(...box.color) })));
    if (box.label) scene.add(labelSprite(box.label, box.corners));
  }
  for (const v of parsed.vectors) {
    const start = new THREE.Vector3(...v.start);
    const direction = new THREE.Vector3(...v.end).sub(start);
    const length = direction.length();
    if (length > 0) scene.add(new THREE.ArrowHelper(direction.normalize(), start, length, 0xff5500, length * 0.15, length * 0.08));
  }
}

/** A box's label as a sprite above its highest corner (a canvas texture: text, never HTML). */
function labelSprite(text: string, corners: [number, number, number][]): THREE.Sprite {
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  const font = 28;
  if (ctx) ctx.font = `${font}px sans-serif`;
  const width = Math.ceil((ctx?.measureText(text).width ?? 100) + 12);
  canvas.width = width;
  canvas.height = font + 12;
  if (ctx) {
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#1b2333";
    ctx.font = `${font}px sans-serif`;
    ctx.textBaseline = "middle";
    ctx.fillText(text, 6, canvas.height / 2);
  }
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(canvas), depthTest: false, sizeAttenuation: false }));
  sprite.scale.set((0.04 * canvas.width) / canvas.height, 0.04, 1);
  const top = corners.reduce((best, c) => (c[2] > best[2] ? c : best), corners[0]!);
  sprite.position.set(top[0], top[1], top[2]);
  sprite.center.set(0.5, 0);
  return sprite;
}

async function loadMesh(lower: string, bytes: ArrayBuffer): Promise<THREE.Object3D> {
  if (lower.endsWith(".obj")) {
    const { OBJLoader } = await import("three/examples/jsm/loaders/OBJLoader.js");
    return new OBJLoader().parse(new TextDecoder().decode(bytes));
  }
  if (lower.endsWith(".stl")) {
    const { STLLoader } = await import("three/examples/jsm/loaders/STLLoader.js");
    const geometry = new STLLoader().parse(bytes);
    // Facet normals in STL files are often left zero (many exporters skip them): work them out.
    geometry.computeVertexNormals();
    return new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ color: 0x8aa4c8 }));
  }
  if (lower.endsWith(".gltf") || lower.endsWith(".glb")) {
    const { GLTFLoader } = await import("three/examples/jsm/loaders/GLTFLoader.js");
    const gltf = await new GLTFLoader().parseAsync(lower.endsWith(".glb") ? bytes : new TextDecoder().decode(bytes), "");
    return gltf.scene;
  }
  throw new Error(`no 3D reader for ${lower.split("/").pop() ?? lower}`);
}

/** Adds a mesh with lights; meshes without a material of their own get a plain shaded one. */
function addMeshes(scene: THREE.Scene, object: THREE.Object3D): number {
  let meshes = 0;
  object.traverse((child) => {
    if (child instanceof THREE.Mesh) {
      meshes += 1;
      const plain = !child.material || (Array.isArray(child.material) ? child.material.length === 0 : child.material.type === "MeshPhongMaterial" && !child.material.map);
      if (plain) child.material = new THREE.MeshStandardMaterial({ color: 0x8aa4c8, side: THREE.DoubleSide });
    }
  });
  scene.add(object);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x556070, 2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.5);
  sun.position.set(1, 2, 3);
  scene.add(sun);
  return meshes;
}

/** Points the camera at the scene's bounds from above and to the side: z up for point clouds (the
 * lidar convention), y up for meshes (glTF's and most modelling tools'). */
function frame(scene: THREE.Scene, camera: THREE.PerspectiveCamera, controls: OrbitControls, zUp: boolean): void {
  const bounds = new THREE.Box3().setFromObject(scene);
  const sphere = bounds.isEmpty() ? new THREE.Sphere(new THREE.Vector3(), 1) : bounds.getBoundingSphere(new THREE.Sphere());
  const radius = Math.max(sphere.radius, 1e-3);
  camera.up.set(0, zUp ? 0 : 1, zUp ? 1 : 0);
  const offset = zUp ? new THREE.Vector3(-1.6, -1.9, 1.3) : new THREE.Vector3(1.6, 1.3, 1.9);
  camera.position.copy(sphere.center).add(offset.multiplyScalar(radius));
  camera.near = radius / 1000;
  camera.far = radius * 100;
  camera.updateProjectionMatrix();
  controls.target.copy(sphere.center);
  controls.update();
}
