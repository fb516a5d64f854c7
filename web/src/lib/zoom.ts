/**
 * Chart zoom in the URL, so a zoomed view is a shareable link: `zoom=<panel>:<min>:<max>` per zoomed
 * panel, joined with `;`. Panel ids are metric keys; only the three characters that would break the
 * format (`%`, `:`, `;`) are escaped here, because the URL encodes the whole parameter once more
 * (`train/loss` is `zoom=train%2Floss%3A0%3A10` in the address bar, not `train%252Floss`). Links made
 * when every id was percent-encoded still read, as decoding is the same. Unparseable parts are ignored
 * rather than breaking the page.
 */
export type Zooms = Record<string, [number, number]>;

export function parseZooms(param: string | null | undefined): Zooms {
  const out: Zooms = {};
  for (const part of (param ?? "").split(";")) {
    const bits = part.split(":");
    if (bits.length !== 3) continue;
    const [id, lo, hi] = bits as [string, string, string];
    const min = Number(lo);
    const max = Number(hi);
    let key: string;
    try {
      key = decodeURIComponent(id);
    } catch {
      continue;
    }
    if (key && lo !== "" && hi !== "" && Number.isFinite(min) && Number.isFinite(max) && min < max) out[key] = [min, max];
  }
  return out;
}

const escapeId = (id: string): string => id.replace(/[%:;]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Short numbers: a range is chosen by dragging, so 6 significant digits are plenty. */
const num = (v: number): string => String(Number(v.toPrecision(6)));

export function formatZooms(zooms: Zooms): string | null {
  const parts = Object.entries(zooms)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, [lo, hi]]) => `${escapeId(id)}:${num(lo)}:${num(hi)}`);
  return parts.length ? parts.join(";") : null;
}

/** `zooms` with panel `id` zoomed to `range`, or un-zoomed when `range` is null. */
export function withZoom(zooms: Zooms, id: string, range: [number, number] | null): Zooms {
  const next = { ...zooms };
  if (range) next[id] = range;
  else delete next[id];
  return next;
}
