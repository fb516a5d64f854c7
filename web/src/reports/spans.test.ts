import { describe, expect, it } from "vitest";
import { hasMark, linkAt, linkProblem, normalizeSpans, plainText, replaceText, safeLink, setLink, span, splitSpans, toggleMark } from "./spans";

const hello = [span("Hello "), span("brave", { bold: true }), span(" world")];

describe("normalizeSpans", () => {
  it("joins neighbours with the same marks, drops empty spans and fills every mark", () => {
    expect(normalizeSpans([{ text: "a", bold: true } as never, span(""), span("b", { bold: true }), span("c")])).toEqual([span("ab", { bold: true }), span("c")]);
  });
});

describe("toggleMark", () => {
  it("bolds a range that crosses spans, splitting them at its ends", () => {
    const out = toggleMark([span("Hello world")], 6, 11, "bold");
    expect(out).toEqual([span("Hello "), span("world", { bold: true })]);
  });
  it("unbolds a range that is all bold, and bolds a range that is partly bold", () => {
    expect(toggleMark(hello, 6, 11, "bold")).toEqual([span("Hello brave world")]);
    expect(toggleMark(hello, 0, 8, "bold")).toEqual([span("Hello brave", { bold: true }), span(" world")]);
  });
  it("keeps other marks and does nothing for an empty range", () => {
    const italic = toggleMark(hello, 6, 11, "italic");
    expect(italic[1]).toEqual(span("brave", { bold: true, italic: true }));
    expect(toggleMark(hello, 3, 3, "code")).toEqual(hello);
    expect(plainText(italic)).toBe("Hello brave world");
  });
  it("answers the pressed state of the toolbar", () => {
    expect(hasMark(hello, 6, 11, "bold")).toBe(true);
    expect(hasMark(hello, 5, 11, "bold")).toBe(false);
  });
});

describe("links", () => {
  it("links and unlinks a range, and reads the link back", () => {
    const linked = setLink(hello, 12, 17, "https://example.com/plan");
    expect(linked[linked.length - 1]).toEqual(span("world", { link: "https://example.com/plan" }));
    expect(linkAt(linked, 12, 17)).toBe("https://example.com/plan");
    expect(linkAt(linked, 0, 17)).toBeNull();
    expect(setLink(linked, 12, 17, null)).toEqual(hello);
  });
  it("accepts only the schema's schemes, so a javascript: link is never drawn as one", () => {
    expect(safeLink("https://x.org")).toBe("https://x.org");
    expect(safeLink("mailto:a@b.c")).toBe("mailto:a@b.c");
    expect(safeLink("javascript:alert(1)")).toBeNull();
    expect(safeLink("data:text/html,hi")).toBeNull();
    expect(safeLink("not a url")).toBeNull();
    expect(linkProblem("javascript:alert(1)")).toMatch(/http/);
    expect(linkProblem(" https://x.org ")).toBeNull();
  });
});

describe("replaceText", () => {
  it("typed text takes the marks before it, but never extends a link", () => {
    expect(replaceText(hello, 11, 11, "st")).toEqual([span("Hello "), span("bravest", { bold: true }), span(" world")]);
    const linked = [span("see "), span("plan", { link: "https://p" })];
    expect(replaceText(linked, 8, 8, "!")).toEqual([...linked, span("!")]);
  });
  it("replaces a selection across spans and inserts at the start", () => {
    expect(replaceText(hello, 3, 14, "")).toEqual([span("Helrld")]);
    expect(replaceText(hello, 0, 0, "> ")).toEqual([span("> Hello "), span("brave", { bold: true }), span(" world")]);
  });
});

describe("splitSpans", () => {
  it("cuts the text in two keeping marks on both sides", () => {
    expect(splitSpans(hello, 8)).toEqual([[span("Hello "), span("br", { bold: true })], [span("ave", { bold: true }), span(" world")]]);
    expect(splitSpans(hello, 0)).toEqual([[], hello]);
  });
});
