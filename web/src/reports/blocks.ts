/**
 * The editor's block operations (add from the "+" menu, delete, move, the key React renders a block
 * under) as pure functions over the document's `blocks`, tested in blocks.test.ts.
 */
import type { Block, PanelGridBlock } from "./api";
import { normalizeSpans } from "./spans";

/** What the "+" menu offers, in its order. */
export const BLOCK_CHOICES = [
  { kind: "h1", label: "Heading 1" },
  { kind: "h2", label: "Heading 2" },
  { kind: "h3", label: "Heading 3" },
  { kind: "paragraph", label: "Paragraph" },
  { kind: "bulleted", label: "Bulleted list" },
  { kind: "numbered", label: "Numbered list" },
  { kind: "code", label: "Code" },
  { kind: "callout", label: "Callout" },
  { kind: "markdown", label: "Markdown" },
  { kind: "image", label: "Image" },
  { kind: "panel_grid", label: "Panel grid" },
] as const;

export type BlockKind = (typeof BLOCK_CHOICES)[number]["kind"];

/** A new, empty block of a kind; a panel grid starts over every run of the report's project. */
export function newBlock(kind: BlockKind, entity: string, project: string): Block {
  switch (kind) {
    case "h1":
    case "h2":
    case "h3":
      return { type: "heading", level: Number(kind[1]) as 1 | 2 | 3, text: [] };
    case "paragraph":
      return { type: "paragraph", text: [] };
    case "bulleted":
    case "numbered":
      return { type: "list", ordered: kind === "numbered", items: [[]] };
    case "code":
      return { type: "code", language: "python", code: "" };
    case "callout":
      return { type: "callout", text: [] };
    case "markdown":
      return { type: "markdown", text: "" };
    case "image":
      return { type: "image", url: null, run_file: null, caption: null };
    case "panel_grid":
      return newPanelGrid(entity, project);
  }
}

export function newPanelGrid(entity: string, project: string): PanelGridBlock {
  return { type: "panel_grid", runsets: [{ name: "Run set", entity, project, filters: null, group_by: [] }], panels: [] };
}

/** `item` put in at `index` (clamped to the list). Blocks and the editor's keys move together. */
export function insertBlock<T>(items: readonly T[], index: number, item: T): T[] {
  const at = Math.max(0, Math.min(index, items.length));
  return [...items.slice(0, at), item, ...items.slice(at)];
}

export function removeBlock<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

export function replaceBlock<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((b, i) => (i === index ? item : b));
}

/** The block at `from` moved to `to` (both positions in the list before the move); out of range: unchanged. */
export function moveBlock<T>(items: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= items.length || to < 0 || to >= items.length || from === to) return [...items];
  const out = [...items];
  const [moved] = out.splice(from, 1);
  out.splice(to, 0, moved as T);
  return out;
}

/** A block as the server will store it: spans canonical; an image's unused source left out. */
export function cleanBlock(block: Block): Block {
  switch (block.type) {
    case "heading":
    case "paragraph":
    case "callout":
      return { ...block, text: normalizeSpans(block.text) };
    case "list":
      return { ...block, items: block.items.map(normalizeSpans) };
    case "code":
      return { ...block, language: block.language?.trim() || null };
    case "image":
      return { ...block, url: block.url?.trim() || null, caption: block.caption?.trim() || null };
    default:
      return block;
  }
}

/** The index of the block a server error names (`blocks.3.heading.level` -> 3), else null. */
export function blockIndexOfField(field: string | null | undefined): number | null {
  const m = /^(?:body\.)?blocks\.(\d+)(?:\.|$)/.exec(field ?? "");
  return m ? Number(m[1]) : null;
}

/** One line saying what a block holds (the history's diff, a deleted block's undo text). */
export function blockSummary(block: Block): string {
  const text = (spans: { text: string }[]): string => spans.map((s) => s.text).join("");
  switch (block.type) {
    case "heading":
      return `Heading ${block.level}: ${text(block.text)}`;
    case "paragraph":
      return `Paragraph: ${text(block.text)}`;
    case "callout":
      return `Callout: ${text(block.text)}`;
    case "list":
      return `${block.ordered ? "Numbered" : "Bulleted"} list: ${block.items.map(text).join(" · ")}`;
    case "code":
      return `Code${block.language ? ` (${block.language})` : ""}: ${block.code.split("\n")[0] ?? ""}`;
    case "markdown":
      return `Markdown: ${block.text.split("\n")[0] ?? ""}`;
    case "image":
      return `Image: ${block.url ?? block.run_file?.path ?? ""}${block.caption ? ` (${block.caption})` : ""}`;
    case "panel_grid":
      return `Panel grid: ${block.panels.length} panel${block.panels.length === 1 ? "" : "s"} over ${block.runsets.map((r) => `${r.project}${r.filters ? ` [${r.filters}]` : ""}`).join(", ")}`;
  }
}
