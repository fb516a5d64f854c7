/**
 * Renders one logged media reference: images (click to zoom at exact pixels), galleries, audio and
 * video players, HTML in a fully sandboxed iframe, Plotly figures, 3D objects and molecules in the
 * sandboxed viewer (media/Sandboxed.tsx), histograms as bars, and table summaries. Files
 * come straight from the run's file endpoint (cookie-authenticated, served with CSP sandbox).
 */
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { Link } from "../router";
import { histogramBars, isGif, isSafeFilePath, mediaKind, type MediaRef } from "../lib/media";
import { AudioPlayer } from "./media/AudioPlayer";
import { SandboxedViewer, SandboxFrame, ViewerButton } from "./media/Sandboxed";
import { OverlayImage } from "./media/ImageOverlays";

export interface RunRef {
  entity: string;
  project: string;
  id: string;
}

/** The URL of a run file; a path that is not a plain relative path gives about:blank. */
export const fileUrl = (run: RunRef, path: string): string => (isSafeFilePath(path) ? api.fileUrl(run.entity, run.project, run.id, path) : "about:blank");

export function MediaView(props: { run: RunRef; value: MediaRef; compact?: boolean; tableLink?: string; imageTarget?: number }): React.JSX.Element {
  const { run, value, compact } = props;
  const kind = mediaKind(value);
  switch (kind) {
    case "image":
      if (value.path && value.width && value.height && (value.masks || value.boxes))
        return <OverlayImage run={run} value={value} target={props.imageTarget ?? (compact ? 160 : 320)} />;
      return value.path ? (
        <ImageView src={fileUrl(run, value.path)} caption={value.caption ?? null} width={value.width} height={value.height} compact={compact} {...(props.imageTarget ? { target: props.imageTarget } : {})} />
      ) : (
        <Missing />
      );
    case "gallery":
      return (
        <div className="media-gallery" data-testid="media-gallery">
          {(value.filenames ?? []).map((f, i) => (
            <ImageView key={f} src={fileUrl(run, f)} caption={value.captions?.[i] ?? null} width={value.width} height={value.height} compact target={96} />
          ))}
        </div>
      );
    case "audio":
      return value.path ? (
        <figure className="media-audio">
          <AudioPlayer src={fileUrl(run, value.path)} sampleRate={value.sample_rate} />
          <figcaption>
            {value.caption && <span data-testid="media-caption">{value.caption}</span>}
            {value.duration !== undefined && <span className="muted"> {value.duration.toFixed(2)} s</span>}
            {value.sample_rate !== undefined && <span className="muted"> · {value.sample_rate} Hz</span>}
          </figcaption>
        </figure>
      ) : (
        <Missing />
      );
    case "video":
      // Numpy frames are written as GIF unless ffmpeg is installed: a GIF plays as an image.
      return value.path ? (
        <figure className="media-video">
          {isGif(value.path) ? (
            <img src={fileUrl(run, value.path)} alt={value.caption ?? ""} width={value.width} height={value.height} style={gifSize(value, compact ? 160 : 256)} data-testid="media-video" />
          ) : (
            <video controls preload="metadata" src={fileUrl(run, value.path)} data-testid="media-video" />
          )}
          {value.caption && <figcaption data-testid="media-caption">{value.caption}</figcaption>}
        </figure>
      ) : (
        <Missing />
      );
    case "html":
      // No allow-scripts, no allow-same-origin: logged HTML can neither run code nor read the session.
      return value.path ? <SandboxFrame className="media-html" scripts={false} src={fileUrl(run, value.path)} title={value.path} testid="media-html" /> : <Missing />;
    case "histogram":
      return <Histogram value={value} compact={compact} />;
    case "plotly":
      return value.path ? <SandboxedViewer kind="plotly" src={fileUrl(run, value.path)} name={value.path} /> : <Missing />;
    case "object3d":
    case "molecule": {
      // One file, or wandb's list shape ({"filenames": [...], "captions": [...]}).
      const files = value.path ? [value.path] : (value.filenames ?? []);
      if (files.length === 0) return <Missing />;
      const caption = (i: number): string | null | undefined => (value.path ? value.caption : value.captions?.[i]);
      if (compact || files.length > 1)
        return (
          <div className="media-viewer-list">
            {files.map((f, i) => (
              <ViewerButton key={f} kind={kind} src={fileUrl(run, f)} name={f} caption={caption(i) ?? (files.length > 1 ? `#${i + 1}` : null)} />
            ))}
          </div>
        );
      return <SandboxedViewer kind={kind} src={fileUrl(run, files[0]!)} name={files[0]!} caption={caption(0)} />;
    }
    case "file":
      return value.path ? (
        <a href={fileUrl(run, value.path)} download data-testid="media-file">
          Download {value.path.split("/").pop()} ({value._type})
        </a>
      ) : (
        <Missing />
      );
    case "table":
      return (
        <div className="media-table-summary">
          Table: {value.nrows ?? "?"} rows × {value.ncols ?? "?"} columns {props.tableLink && <Link to={props.tableLink}>open</Link>}
        </div>
      );
    default:
      return <Missing />;
  }
}

/** Small GIFs scale up by a whole factor (a 32×32 rollout shows at 256×256), pixels kept sharp. */
function gifSize(v: MediaRef, target: number): React.CSSProperties | undefined {
  if (!v.width || !v.height) return undefined;
  const s = Math.min(8, Math.max(1, Math.floor(target / Math.max(v.width, v.height))));
  return s > 1 ? { width: v.width * s, height: v.height * s } : undefined;
}

function Missing(): React.JSX.Element {
  return <div className="muted">No file</div>;
}

/** An image with its caption; a click opens it at its exact pixels (1×, 2×, 4×, no smoothing). */
export function ImageView(props: { src: string; caption: string | null; width?: number | undefined; height?: number | undefined; compact?: boolean | undefined; target?: number }): React.JSX.Element {
  const [zoom, setZoom] = useState(false);
  // Small images (a 28×28 digit, a 128×128 sample) are scaled up by a whole factor, pixels kept sharp.
  const { width: w, height: h } = props;
  const target = props.target ?? (props.compact ? 64 : 256);
  const scale = w && h ? Math.min(8, Math.max(1, Math.floor(target / Math.max(w, h)))) : 1;
  return (
    <figure className={`media-image${props.compact ? " compact" : ""}`}>
      <button type="button" className="media-img-btn" onClick={() => setZoom(true)} title="Click to view at exact pixels">
        <img
          src={props.src}
          alt={props.caption ?? ""}
          width={w}
          height={h}
          className={scale > 1 ? "pixelated" : undefined}
          style={scale > 1 && w && h ? { width: w * scale, height: h * scale } : undefined}
          data-testid="media-img"
          loading="lazy"
        />
      </button>
      {props.caption && <figcaption data-testid="media-caption">{props.caption}</figcaption>}
      {zoom && <ZoomView src={props.src} caption={props.caption} width={props.width} height={props.height} onClose={() => setZoom(false)} />}
    </figure>
  );
}

function ZoomView(props: { src: string; caption: string | null; width?: number | undefined; height?: number | undefined; onClose: () => void }): React.JSX.Element {
  const [scale, setScale] = useState(1);
  const [natural, setNatural] = useState<[number, number] | null>(props.width && props.height ? [props.width, props.height] : null);
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="media-zoom" role="dialog" aria-label="image at exact pixels" onClick={onClose} data-testid="media-zoom">
      <div className="media-zoom-bar" onClick={(e) => e.stopPropagation()}>
        {[1, 2, 4, 8].map((s) => (
          <button key={s} type="button" className={`chip${s === scale ? " on" : ""}`} onClick={() => setScale(s)}>
            {s}×
          </button>
        ))}
        {natural && (
          <span className="muted">
            {natural[0]}×{natural[1]} px
          </span>
        )}
        {props.caption && <span>{props.caption}</span>}
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="media-zoom-body">
        <img
          src={props.src}
          alt={props.caption ?? ""}
          className="pixelated"
          style={natural ? { width: natural[0] * scale, height: natural[1] * scale } : undefined}
          onLoad={(e) => setNatural([e.currentTarget.naturalWidth, e.currentTarget.naturalHeight])}
          onClick={(e) => e.stopPropagation()}
        />
      </div>
    </div>
  );
}

/** A logged histogram as plain SVG bars. */
export function Histogram({ value, compact }: { value: MediaRef; compact?: boolean | undefined }): React.JSX.Element {
  const bars = histogramBars(value);
  if (bars.length === 0) return <div className="muted">Empty histogram</div>;
  const W = compact ? 320 : 520;
  const H = compact ? 140 : 200;
  const pad = 24;
  const lo = Math.min(...bars.map((b) => b.x0));
  const hi = Math.max(...bars.map((b) => b.x1));
  const top = Math.max(1, ...bars.map((b) => b.count));
  const x = (v: number): number => pad + ((v - lo) / (hi - lo || 1)) * (W - 2 * pad);
  const fmt = (v: number): string => String(Number(v.toPrecision(3)));
  return (
    <svg className="media-histogram" viewBox={`0 0 ${W} ${H}`} style={{ maxWidth: W }} data-testid="media-histogram" role="img" aria-label="histogram">
      {bars.map((b, i) => {
        const h = (b.count / top) * (H - 2 * pad);
        return (
          <rect key={i} x={x(b.x0)} y={H - pad - h} width={Math.max(1, x(b.x1) - x(b.x0) - 1)} height={h} className="bar">
            <title>
              [{fmt(b.x0)}, {fmt(b.x1)}): {b.count}
            </title>
          </rect>
        );
      })}
      <line x1={pad} x2={W - pad} y1={H - pad} y2={H - pad} className="axis" />
      <text x={pad} y={H - 6} className="tick">
        {fmt(lo)}
      </text>
      <text x={W - pad} y={H - 6} className="tick" textAnchor="end">
        {fmt(hi)}
      </text>
      <text x={pad} y={pad - 8} className="tick">
        max {fmt(top)}
      </text>
    </svg>
  );
}
