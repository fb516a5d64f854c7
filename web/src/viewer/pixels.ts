/** How many pixels of a just-rendered canvas differ from the white background (sampled on a grid).
 * Called in the same task as the render, while a WebGL canvas's drawing buffer is still readable. */
export function paintedPixels(canvas: HTMLCanvasElement | null | undefined): number {
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
  for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 245 || data[i + 1]! < 245 || data[i + 2]! < 245)) painted += 1;
  return painted;
}
