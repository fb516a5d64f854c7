/** The viewer's background, as CSS and as RGB, for the app's light or dark theme. */
export interface Background {
  css: string;
  hex: number;
  rgb: [number, number, number];
}

export const LIGHT: Background = { css: "#ffffff", hex: 0xffffff, rgb: [255, 255, 255] };
export const DARK: Background = { css: "#14171d", hex: 0x14171d, rgb: [20, 23, 29] };

/** How many pixels of a just-rendered canvas differ from the background (sampled on a grid).
 * Called in the same task as the render, while a WebGL canvas's drawing buffer is still readable. */
export function paintedPixels(canvas: HTMLCanvasElement | null | undefined, background: Background = LIGHT): number {
  if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
  const w = Math.min(200, canvas.width);
  const h = Math.min(200, canvas.height);
  const probe = document.createElement("canvas");
  probe.width = w;
  probe.height = h;
  const ctx = probe.getContext("2d");
  if (!ctx) return 0;
  ctx.drawImage(canvas, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h).data;
  let painted = 0;
  const [r, g, b] = background.rgb;
  const off = (i: number, v: number): boolean => Math.abs(data[i]! - v) > 10;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (off(i, r) || off(i + 1, g) || off(i + 2, b))) painted += 1;
  return painted;
}
