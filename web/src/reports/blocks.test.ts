import { describe, expect, it } from "vitest";
import type { Block } from "./api";
import { BLOCK_CHOICES, blockIndexOfField, blockSummary, cleanBlock, insertBlock, moveBlock, newBlock, removeBlock, replaceBlock } from "./blocks";
import { span } from "./spans";

const p = (text: string): Block => ({ type: "paragraph", text: [span(text)] });

describe("block operations", () => {
  const blocks = [p("a"), p("b"), p("c")];
  it("inserts at a place, clamped to the list", () => {
    expect(insertBlock(blocks, 1, p("x")).map(blockSummary)).toEqual(["Paragraph: a", "Paragraph: x", "Paragraph: b", "Paragraph: c"]);
    expect(insertBlock(blocks, 99, p("x"))).toHaveLength(4);
    expect(insertBlock(blocks, -1, p("x"))[0]).toEqual(p("x"));
  });
  it("moves up and down and leaves the list alone when a move would leave it", () => {
    expect(moveBlock(blocks, 0, 2).map(blockSummary)).toEqual(["Paragraph: b", "Paragraph: c", "Paragraph: a"]);
    expect(moveBlock(blocks, 2, 1).map(blockSummary)).toEqual(["Paragraph: a", "Paragraph: c", "Paragraph: b"]);
    expect(moveBlock(blocks, 0, -1)).toEqual(blocks);
    expect(moveBlock(blocks, 2, 3)).toEqual(blocks);
  });
  it("removes and replaces by index without touching the input", () => {
    expect(removeBlock(blocks, 1).map(blockSummary)).toEqual(["Paragraph: a", "Paragraph: c"]);
    expect(replaceBlock(blocks, 2, p("z"))[2]).toEqual(p("z"));
    expect(blocks.map(blockSummary)).toEqual(["Paragraph: a", "Paragraph: b", "Paragraph: c"]);
  });
});

describe("newBlock", () => {
  it("makes every kind of the + menu as the schema wants it", () => {
    const made = BLOCK_CHOICES.map((c) => newBlock(c.kind, "ent", "proj"));
    expect(made.map((b) => b.type)).toEqual(["heading", "heading", "heading", "paragraph", "list", "list", "code", "callout", "markdown", "image", "panel_grid"]);
    expect(made[2]).toEqual({ type: "heading", level: 3, text: [] });
    expect(made[5]).toEqual({ type: "list", ordered: true, items: [[]] });
    expect(made[10]).toEqual({ type: "panel_grid", runsets: [{ name: "Run set", entity: "ent", project: "proj", filters: null, group_by: [] }], panels: [] });
  });
});

describe("cleanBlock", () => {
  it("puts spans in canonical form and drops an image's blank caption", () => {
    expect(cleanBlock({ type: "paragraph", text: [span("a"), span(""), span("b")] })).toEqual({ type: "paragraph", text: [span("ab")] });
    expect(cleanBlock({ type: "list", ordered: false, items: [[span("x"), span("y")]] })).toEqual({ type: "list", ordered: false, items: [[span("xy")]] });
    expect(cleanBlock({ type: "image", url: " https://x/y.png ", run_file: null, caption: "  " })).toEqual({ type: "image", url: "https://x/y.png", run_file: null, caption: null });
    expect(cleanBlock({ type: "code", language: " ", code: "x" })).toEqual({ type: "code", language: null, code: "x" });
  });
});

describe("blockIndexOfField", () => {
  it("finds the block a server error names", () => {
    expect(blockIndexOfField("blocks.3.heading.level")).toBe(3);
    expect(blockIndexOfField("blocks.12")).toBe(12);
    expect(blockIndexOfField("title")).toBeNull();
    expect(blockIndexOfField(null)).toBeNull();
  });
});
