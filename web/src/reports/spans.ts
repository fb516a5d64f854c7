/**
 * The rich text model of a report: a list of `Span`s (text plus bold/italic/code/link marks), as
 * schema/reports.py stores it. Every edit the editor makes (typing, Ctrl+B, a link) is a function
 * here over spans and character offsets, so the document never holds HTML and these rules are
 * tested without a browser (spans.test.ts).
 */
import type { Span } from "./api";

export type Mark = "bold" | "italic" | "code";

/** The schemes a link may have (schema/reports.py `_web_url`): a `javascript:` link could run script. */
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** `url` when it is a link the schema accepts, else null (shown as plain text, never as a link). */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return LINK_SCHEMES.has(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}

/** Why a link typed into the editor would be refused, or null when it is fine. */
export function linkProblem(url: string): string | null {
  if (!url.trim()) return "Type the address the text links to, e.g. https://example.com";
  return safeLink(url.trim()) ? null : "A link must start with http://, https:// or mailto:";
}

export function span(text: string, marks: Partial<Omit<Span, "text">> = {}): Span {
  return { text, bold: marks.bold ?? false, italic: marks.italic ?? false, code: marks.code ?? false, link: marks.link ?? null };
}

const sameMarks = (a: Span, b: Span): boolean =>
  a.bold === b.bold && a.italic === b.italic && a.code === b.code && (a.link ?? null) === (b.link ?? null);

/** Spans in their one canonical form: every mark present, empty spans dropped, neighbours with the
 * same marks joined (so an edit that changes nothing leaves the document equal). */
export function normalizeSpans(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (!s.text) continue;
    const full = span(s.text, s);
    const last = out[out.length - 1];
    if (last && sameMarks(last, full)) out[out.length - 1] = { ...last, text: last.text + full.text };
    else out.push(full);
  }
  return out;
}

export const plainText = (spans: readonly Span[]): string => spans.map((s) => s.text).join("");

export const textSpans = (text: string): Span[] => normalizeSpans([span(text)]);

/** The spans split so that a span boundary falls at each offset. */
function splitAt(spans: readonly Span[], offsets: number[]): Span[] {
  const out: Span[] = [];
  let pos = 0;
  for (const s of spans) {
    let start = 0;
    for (const cut of offsets) {
      const local = cut - pos;
      if (local > start && local < s.text.length) {
        out.push({ ...s, text: s.text.slice(start, local) });
        start = local;
      }
    }
    out.push({ ...s, text: s.text.slice(start) });
    pos += s.text.length;
  }
  return out;
}

/** Applies `change` to the part of the text from `start` to `end` (character offsets). */
function mapRange(spans: readonly Span[], start: number, end: number, change: (s: Span) => Span): Span[] {
  const parts = splitAt(spans, [start, end]);
  let pos = 0;
  const out = parts.map((s) => {
    const inside = pos >= start && pos + s.text.length <= end;
    pos += s.text.length;
    return inside ? change(s) : s;
  });
  return normalizeSpans(out);
}

function spansIn(spans: readonly Span[], start: number, end: number): Span[] {
  const out: Span[] = [];
  let pos = 0;
  for (const s of splitAt(spans, [start, end])) {
    if (pos >= start && pos + s.text.length <= end && s.text) out.push(s);
    pos += s.text.length;
  }
  return out;
}

/** Whether every character from `start` to `end` carries `mark` (the toolbar's pressed state). */
export function hasMark(spans: readonly Span[], start: number, end: number, mark: Mark): boolean {
  const inside = spansIn(spans, start, end);
  return inside.length > 0 && inside.every((s) => s[mark]);
}

/** Ctrl+B / Ctrl+I / the code button: the range gets the mark, or loses it when it all had it. */
export function toggleMark(spans: readonly Span[], start: number, end: number, mark: Mark): Span[] {
  if (end <= start) return normalizeSpans(spans);
  const on = !hasMark(spans, start, end, mark);
  return mapRange(spans, start, end, (s) => ({ ...s, [mark]: on }));
}

/** The link of the range (null: none or mixed), to prefill the link box. */
export function linkAt(spans: readonly Span[], start: number, end: number): string | null {
  const links = new Set(spansIn(spans, start, end).map((s) => s.link ?? null));
  return links.size === 1 ? [...links][0]! : null;
}

/** Links the range to `url`, or unlinks it (null). */
export function setLink(spans: readonly Span[], start: number, end: number, url: string | null): Span[] {
  if (end <= start) return normalizeSpans(spans);
  return mapRange(spans, start, end, (s) => ({ ...s, link: url }));
}

/** The text from `start` to `end` replaced by `text`, which takes the marks of the character before
 * it (as typing does), links excepted: typing after a link does not extend it. */
export function replaceText(spans: readonly Span[], start: number, end: number, text: string): Span[] {
  const parts = splitAt(spans, [start, end]);
  const out: Span[] = [];
  let pos = 0;
  let inserted = false;
  let before: Span | null = null;
  const insert = (): void => {
    if (!inserted && text) out.push(span(text, { ...(before ?? {}), link: null }));
    inserted = true;
  };
  for (const s of parts) {
    const from = pos;
    pos += s.text.length;
    if (from >= start && pos <= end && s.text) continue; // replaced
    if (from >= end) insert();
    out.push(s);
    if (pos <= start) before = s;
  }
  insert();
  return normalizeSpans(out);
}

/** The text cut in two at `offset` (Enter in a list item makes the second half a new item). */
export function splitSpans(spans: readonly Span[], offset: number): [Span[], Span[]] {
  const [before, after] = [spansIn(spans, 0, offset), spansIn(spans, offset, Number.MAX_SAFE_INTEGER)];
  return [normalizeSpans(before), normalizeSpans(after)];
}
