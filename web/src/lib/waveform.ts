/**
 * An audio clip's waveform for drawing: per pixel column, the lowest and highest sample over all
 * channels (so a click or a clipped peak is never averaged away, as min/max chart downsampling does).
 */
export interface Peaks {
  min: Float32Array;
  max: Float32Array;
}

/** `columns` min/max pairs over the samples of every channel (equal lengths). */
export function peaks(channels: readonly Float32Array[], columns: number): Peaks {
  const n = channels[0]?.length ?? 0;
  const cols = Math.max(1, Math.min(columns, Math.max(1, n)));
  const min = new Float32Array(cols);
  const max = new Float32Array(cols);
  if (n === 0) return { min, max };
  for (let c = 0; c < cols; c++) {
    const start = Math.floor((c * n) / cols);
    const end = Math.max(start + 1, Math.floor(((c + 1) * n) / cols));
    let lo = Infinity;
    let hi = -Infinity;
    for (const ch of channels) {
      for (let i = start; i < end; i++) {
        const v = ch[i] ?? 0;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    min[c] = lo;
    max[c] = hi;
  }
  return { min, max };
}

/** The playback position (seconds) of a click at `x` pixels of a `width`-pixel waveform. */
export function seekTime(x: number, width: number, duration: number): number {
  if (!(width > 0) || !(duration > 0)) return 0;
  return Math.min(duration, Math.max(0, (x / width) * duration));
}
