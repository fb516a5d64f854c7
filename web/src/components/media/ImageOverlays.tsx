/**
 * An image with its segmentation masks and bounding boxes drawn over it (wandb's `masks=` /
 * `boxes=`). Masks are 8-bit PNGs of class ids, decoded on a canvas and coloured per class; boxes
 * are SVG rectangles with their labels and scores. Every mask and box set can be hidden, each of
 * their classes toggled, and the masks' opacity changed.
 */
import { useQueries } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../../api/client";
import { isSafeFilePath, type MediaRef } from "../../lib/media";
import { boxLabel, boxRect, className, classColor, colorMask, maskClasses, parseBoxes, type BoxesFile, type OverlayRef } from "../../lib/mediaOverlays";
import { fileUrl, type RunRef } from "../MediaView";
import "./media.css";

/** Per layer ("mask:<name>" / "boxes:<name>"): the class ids switched off. Layers absent = shown. */
type Hidden = Record<string, number[]>;

export function OverlayImage({ run, value, target }: { run: RunRef; value: MediaRef; target: number }): React.JSX.Element {
  const w = value.width ?? 0;
  const h = value.height ?? 0;
  const big = Math.max(w, h, 1);
  // Small images scale up by a whole factor (sharp pixels), large ones down to the target.
  const fit = big <= target ? Math.min(8, Math.max(1, Math.floor(target / big))) : target / big;
  // 1×..8× shows exact pixels, masks and boxes scaled with them (the box scrolls).
  const [zoom, setZoom] = useState<number | null>(null);
  const scale = zoom ?? fit;
  const masks = Object.entries(value.masks ?? {}).filter(([, m]) => isSafeFilePath(m.path));
  const boxSets = Object.entries(value.boxes ?? {}).filter(([, b]) => isSafeFilePath(b.path));
  const boxFiles = useQueries({
    queries: boxSets.map(([, b]) => ({
      queryKey: ["boxes", run.entity, run.project, run.id, b.path],
      queryFn: async () => parseBoxes(await api.fileJson(run.entity, run.project, run.id, b.path as string)),
      staleTime: Infinity,
    })),
  });
  const [hidden, setHidden] = useState<Hidden>({});
  const [off, setOff] = useState<Record<string, boolean>>({});
  const [opacity, setOpacity] = useState(0.5);
  const [maskIds, setMaskIds] = useState<Record<string, number[]>>({});
  const toggle = (layer: string, id: number): void => {
    const cur = hidden[layer] ?? [];
    setHidden({ ...hidden, [layer]: cur.includes(id) ? cur.filter((c) => c !== id) : [...cur, id] });
  };
  return (
    <figure className="media-overlay" data-testid="media-overlay">
      <div className="overlay-scroll">
        <div className="overlay-stack" style={{ width: w * scale, height: h * scale }}>
          <img src={fileUrl(run, value.path ?? "")} alt={value.caption ?? ""} width={w * scale} height={h * scale} className={scale > 1 ? "pixelated" : undefined} data-testid="media-img" />
          {masks.map(([name, m]) =>
            off[`mask:${name}`] ? null : (
              <MaskLayer key={name} name={name} src={fileUrl(run, m.path as string)} width={w} height={h} hidden={hidden[`mask:${name}`] ?? []} opacity={opacity} onClasses={(ids) => setMaskIds((cur) => (sameIds(cur[name], ids) ? cur : { ...cur, [name]: ids }))} />
            ),
          )}
          <svg className="overlay-boxes" viewBox={`0 0 ${w} ${h}`} width={w * scale} height={h * scale}>
            {boxSets.map(([name], i) => {
              const file = boxFiles[i]?.data;
              if (!file || off[`boxes:${name}`]) return null;
              return <BoxLayer key={name} name={name} file={file} width={w} height={h} scale={scale} hidden={hidden[`boxes:${name}`] ?? []} />;
            })}
          </svg>
        </div>
      </div>
      {value.caption && <figcaption data-testid="media-caption">{value.caption}</figcaption>}
      <div className="overlay-controls">
        <div className="overlay-layer" role="group" aria-label="zoom">
          <span className="muted">zoom</span>
          {[null, 1, 2, 4, 8].map((z) => (
            <button key={String(z)} type="button" className={`chip${z === zoom ? " on" : ""}`} onClick={() => setZoom(z)} data-testid="overlay-zoom" data-zoom={z ?? "fit"}>
              {z === null ? "fit" : `${z}×`}
            </button>
          ))}
        </div>
        {masks.map(([name, m]) => (
          <LayerToggles key={`m-${name}`} layer={`mask:${name}`} title={`mask ${name}`} ids={classIds(m, maskIds[name])} labels={m.class_labels} off={!!off[`mask:${name}`]} hidden={hidden[`mask:${name}`] ?? []} onLayer={(v) => setOff({ ...off, [`mask:${name}`]: v })} onClass={toggle} />
        ))}
        {masks.length > 0 && (
          <label className="overlay-opacity">
            opacity <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} data-testid="overlay-opacity" />
          </label>
        )}
        {boxSets.map(([name], i) => {
          const file = boxFiles[i]?.data;
          const ids = [...new Set(file?.box_data.map((b) => b.class_id) ?? [])].sort((a, b) => a - b);
          return <LayerToggles key={`b-${name}`} layer={`boxes:${name}`} title={`boxes ${name}`} ids={ids} labels={file?.class_labels} off={!!off[`boxes:${name}`]} hidden={hidden[`boxes:${name}`] ?? []} onLayer={(v) => setOff({ ...off, [`boxes:${name}`]: v })} onClass={toggle} />;
        })}
      </div>
    </figure>
  );
}

const sameIds = (a: readonly number[] | undefined, b: readonly number[]): boolean => !!a && a.length === b.length && a.every((v, i) => v === b[i]);

/** The classes of a mask: those it names and those its pixels hold. */
function classIds(m: OverlayRef, present: readonly number[] | undefined): number[] {
  const ids = new Set([...Object.keys(m.class_labels ?? {}).map(Number), ...(present ?? [])]);
  return [...ids].filter((v) => Number.isInteger(v)).sort((a, b) => a - b);
}

function MaskLayer(props: { name: string; src: string; width: number; height: number; hidden: number[]; opacity: number; onClasses: (ids: number[]) => void }): React.JSX.Element {
  const { src, width, height, hidden, opacity, onClasses } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [ids, setIds] = useState<Uint8ClampedArray | null>(null);
  const onClassesRef = useRef(onClasses);
  onClassesRef.current = onClasses;
  useEffect(() => {
    // Decode the class-id PNG once: the red channel of each pixel is its class id.
    let live = true;
    const img = new Image();
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext("2d", { willReadFrequently: true });
      if (!ctx || !live) return;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      setIds(data);
      onClassesRef.current([...maskClasses(data).keys()]);
    };
    img.src = src;
    return () => {
      live = false;
    };
  }, [src]);
  const shown = useMemo(() => (ids ? new Set([...maskClasses(ids).keys()].filter((id) => !hidden.includes(id))) : new Set<number>()), [ids, hidden]);
  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx || !ids) return;
    ctx.putImageData(new ImageData(colorMask(ids, shown, opacity), width, height), 0, 0);
  }, [ids, shown, opacity, width, height]);
  return <canvas ref={canvas} width={width} height={height} className="overlay-mask" data-testid="overlay-mask" data-name={props.name} />;
}

function BoxLayer({ name, file, width, height, scale, hidden }: { name: string; file: BoxesFile; width: number; height: number; scale: number; hidden: number[] }): React.JSX.Element {
  const font = 11 / scale;
  return (
    <g data-testid="overlay-boxes" data-name={name}>
      {file.box_data.map((b, i) => {
        if (hidden.includes(b.class_id)) return null;
        const r = boxRect(b, width, height);
        const text = boxLabel(b, file.class_labels);
        const color = classColor(b.class_id);
        return (
          <g key={i} data-testid="overlay-box" data-class={b.class_id} data-label={text}>
            <rect x={r.x} y={r.y} width={Math.max(0, r.w)} height={Math.max(0, r.h)} fill="none" stroke={color} strokeWidth={2} vectorEffect="non-scaling-stroke" />
            <rect x={r.x} y={Math.max(0, r.y - font * 1.4)} width={Math.min(width - r.x, text.length * font * 0.6 + font * 0.6)} height={font * 1.4} fill={color} />
            <text x={r.x + font * 0.3} y={Math.max(0, r.y - font * 1.4) + font * 1.05} fontSize={font} className="overlay-box-label">
              {text}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function LayerToggles(props: { layer: string; title: string; ids: number[]; labels: Record<string, string> | undefined; off: boolean; hidden: number[]; onLayer: (off: boolean) => void; onClass: (layer: string, id: number) => void }): React.JSX.Element {
  return (
    <div className="overlay-layer" data-testid="overlay-layer" data-layer={props.layer}>
      <label>
        <input type="checkbox" checked={!props.off} onChange={(e) => props.onLayer(!e.target.checked)} data-testid="overlay-layer-toggle" /> {props.title}
      </label>
      {props.ids.map((id) => {
        const on = !props.hidden.includes(id);
        return (
          <button key={id} type="button" className={`chip overlay-class${on ? " on" : ""}`} aria-pressed={on} disabled={props.off} onClick={() => props.onClass(props.layer, id)} data-testid="overlay-class" data-class={id}>
            <span className="swatch" style={{ background: classColor(id) }} />
            {className(props.labels, id)}
          </button>
        );
      })}
    </div>
  );
}
