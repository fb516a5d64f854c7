/**
 * The contentEditable side of the rich text editor: spans drawn as DOM, the DOM the browser edited
 * read back into spans, and the caret as character offsets into the text. The document itself is
 * always the spans (spans.ts); the DOM is only the editing surface.
 */
import type { Span } from "./api";
import { normalizeSpans, safeLink, span } from "./spans";

/** The spans as DOM nodes: <a><strong><em><code>text</code></em></strong></a>, newlines kept as
 * text (the editor is `white-space: pre-wrap`). */
export function renderSpans(root: HTMLElement, spans: readonly Span[]): void {
  const doc = root.ownerDocument;
  root.replaceChildren();
  for (const s of spans) {
    let node: Node = doc.createTextNode(s.text);
    const wrap = (tag: string): void => {
      const el = doc.createElement(tag);
      el.appendChild(node);
      node = el;
    };
    if (s.code) wrap("code");
    if (s.italic) wrap("em");
    if (s.bold) wrap("strong");
    if (s.link) {
      wrap("a");
      (node as HTMLAnchorElement).setAttribute("href", s.link);
    }
    root.appendChild(node);
  }
  // A last line that is empty shows (and takes the caret) only with a <br> after it; readSpans
  // ignores a trailing <br>.
  if (spans[spans.length - 1]?.text.endsWith("\n")) root.appendChild(doc.createElement("br"));
}

interface Marks {
  bold: boolean;
  italic: boolean;
  code: boolean;
  link: string | null;
}

const BLOCK_TAGS = new Set(["DIV", "P", "LI"]);

/** What the browser's editing left in `root`, as spans. Chromium may add <b>, <i>, <br>, <div> or
 * styled <span>s: each is read for its meaning; anything else is plain text. */
export function readSpans(root: HTMLElement): Span[] {
  const out: Span[] = [];
  const walk = (node: Node, marks: Marks): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(span(node.textContent ?? "", marks));
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    if (node.tagName === "BR") {
      if (!isTrailingBreak(root, node)) out.push(span("\n", marks));
      return;
    }
    const style = node.style;
    const next: Marks = {
      bold: marks.bold || node.tagName === "B" || node.tagName === "STRONG" || Number(style.fontWeight) >= 600 || style.fontWeight === "bold",
      italic: marks.italic || node.tagName === "I" || node.tagName === "EM" || style.fontStyle === "italic",
      code: marks.code || node.tagName === "CODE",
      link: node.tagName === "A" ? safeLink(node.getAttribute("href")) : marks.link,
    };
    // A <div> the browser made for a new line starts on a new line.
    if (BLOCK_TAGS.has(node.tagName) && node.previousSibling) out.push(span("\n", marks));
    node.childNodes.forEach((child) => walk(child, next));
  };
  root.childNodes.forEach((child) => walk(child, { bold: false, italic: false, code: false, link: null }));
  return normalizeSpans(out);
}

/** The <br> Chromium keeps at the very end of an editable element so an empty last line shows. */
function isTrailingBreak(root: HTMLElement, br: Node): boolean {
  for (let n: Node | null = br; n && n !== root; n = n.parentNode) if (n.nextSibling) return false;
  return true;
}

/** The number of text characters in `root` before the point (node, offset). */
function offsetOf(root: HTMLElement, node: Node, offset: number): number {
  const range = root.ownerDocument.createRange();
  range.selectNodeContents(root);
  range.setEnd(node, offset);
  // A range's text leaves out <br>s and block boundaries; read it as readSpans does.
  const frag = range.cloneContents();
  const holder = root.ownerDocument.createElement("div");
  holder.appendChild(frag);
  holder.appendChild(root.ownerDocument.createTextNode("\u0000")); // no break counts as trailing
  return readSpans(holder).reduce((n, s) => n + s.text.length, 0) - 1;
}

/** The selection inside `root` as character offsets (start <= end), or null when it is elsewhere. */
export function selectionOffsets(root: HTMLElement): { start: number; end: number } | null {
  const sel = root.ownerDocument.getSelection();
  if (!sel || sel.rangeCount === 0) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const start = offsetOf(root, range.startContainer, range.startOffset);
  const end = range.collapsed ? start : offsetOf(root, range.endContainer, range.endOffset);
  return { start: Math.min(start, end), end: Math.max(start, end) };
}

/** Puts the selection at character offsets of `root` (after it was drawn again from spans). */
export function selectOffsets(root: HTMLElement, start: number, end: number): void {
  const doc = root.ownerDocument;
  const point = (target: number): [Node, number] => {
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let pos = 0;
    let last: Text | null = null;
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
      const len = n.data.length;
      if (target <= pos + len) return [n, target - pos];
      pos += len;
      last = n;
    }
    return last ? [last, last.data.length] : [root, 0];
  };
  const range = doc.createRange();
  range.setStart(...point(start));
  range.setEnd(...point(end));
  const sel = doc.getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
}
