/**
 * A logged audio clip: its waveform (min/max per pixel column over every channel, decoded in the
 * browser from the stored file) above the browser's own player. The part already played is
 * coloured; a click on the waveform seeks there.
 */
import { useEffect, useRef, useState } from "react";
import { peaks, seekTime, type Peaks } from "../../lib/waveform";

const WIDTH = 360;
const HEIGHT = 64;

async function decode(src: string, sampleRate: number): Promise<{ peaks: Peaks; duration: number; peak: number }> {
  const response = await fetch(src, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  // An offline context decodes without needing the user's permission to play sound. At the clip's
  // own rate: resampling (to 44.1 kHz) would draw overshoots that are not in the file.
  const audio = await new OfflineAudioContext(1, 1, sampleRate).decodeAudioData(await response.arrayBuffer());
  const channels = Array.from({ length: audio.numberOfChannels }, (_, i) => audio.getChannelData(i));
  const p = peaks(channels, WIDTH);
  let peak = 0;
  for (let i = 0; i < p.max.length; i++) peak = Math.max(peak, Math.abs(p.max[i] ?? 0), Math.abs(p.min[i] ?? 0));
  return { peaks: p, duration: audio.duration, peak };
}

/** Drawn normalized to the clip's own peak (a quiet clip is not a flat line); the peak is in the
 * tooltip. */
function draw(canvas: HTMLCanvasElement, p: Peaks, played: number, peak: number): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const css = getComputedStyle(document.documentElement);
  const accent = css.getPropertyValue("--accent").trim() || "#3060d0";
  const muted = css.getPropertyValue("--muted").trim() || "#999";
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const mid = canvas.height / 2;
  const scale = 0.95 / Math.max(peak, 1e-4);
  const cols = p.max.length;
  const w = canvas.width / cols;
  for (let c = 0; c < cols; c++) {
    const hi = Math.max(-1, Math.min(1, (p.max[c] ?? 0) * scale));
    const lo = Math.max(-1, Math.min(1, (p.min[c] ?? 0) * scale));
    ctx.fillStyle = (c + 0.5) / cols <= played ? accent : muted;
    const top = mid - hi * mid;
    ctx.fillRect(c * w, top, Math.max(1, w - 0.5), Math.max(1, (hi - lo) * mid));
  }
}

export function AudioPlayer({ src, sampleRate }: { src: string; sampleRate?: number | undefined }): React.JSX.Element {
  // Web Audio accepts 3,000-768,000 Hz; anything else is decoded at a common rate.
  const rate = sampleRate !== undefined && sampleRate >= 3000 && sampleRate <= 768_000 ? sampleRate : 44_100;
  const canvas = useRef<HTMLCanvasElement>(null);
  const player = useRef<HTMLAudioElement>(null);
  const [wave, setWave] = useState<{ peaks: Peaks; duration: number; peak: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    decode(src, rate).then(
      (w) => alive && setWave(w),
      (e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, [src, rate]);

  useEffect(() => {
    const el = canvas.current;
    const audio = player.current;
    if (!el || !audio || !wave) return;
    const redraw = (): void => draw(el, wave.peaks, wave.duration > 0 ? audio.currentTime / wave.duration : 0, wave.peak);
    redraw();
    const events = ["timeupdate", "seeking", "seeked"] as const;
    for (const e of events) audio.addEventListener(e, redraw);
    return () => {
      for (const e of events) audio.removeEventListener(e, redraw);
    };
  }, [wave]);

  const seek = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const audio = player.current;
    if (!audio || !wave) return;
    const box = e.currentTarget.getBoundingClientRect();
    audio.currentTime = seekTime(e.clientX - box.left, box.width, wave.duration);
  };

  return (
    <div className="audio-player">
      {wave ? (
        <canvas ref={canvas} width={WIDTH} height={HEIGHT} className="waveform" onClick={seek} data-testid="waveform" data-peak={wave.peak.toFixed(3)} data-duration={wave.duration.toFixed(3)} title={`peak ${wave.peak.toFixed(3)} (drawn to full height); click to play from here`} />
      ) : (
        <div className="waveform placeholder muted">{error ? `no waveform (${error})` : "…"}</div>
      )}
      <audio ref={player} controls preload="metadata" src={src} data-testid="media-audio" />
    </div>
  );
}
