import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";

describe("CSV preview", () => {
  it("quoted fields hold commas, quotes and line breaks; CRLF and a BOM are handled", () => {
    const text = '\ufeffname,note\r\n"a, b","say ""hi"""\r\n"multi\nline",<b>x</b>\r\n';
    expect(parseCsv(text)).toEqual({ header: ["name", "note"], rows: [["a, b", 'say "hi"'], ["multi\nline", "<b>x</b>"]], truncated: false });
  });

  it("a last line without a line break is a row", () => {
    expect(parseCsv("a,b\n1,2").rows).toEqual([["1", "2"]]);
  });

  it("stops at the row limit and says there are more", () => {
    const text = "x\n" + Array.from({ length: 50 }, (_, i) => `${i}\n`).join("");
    const p = parseCsv(text, { maxRows: 10 });
    expect(p.rows).toHaveLength(10);
    expect(p.rows[9]).toEqual(["9"]);
    expect(p.truncated).toBe(true);
    expect(parseCsv(text, { maxRows: 50 }).truncated).toBe(false);
  });

  it("the start of a file: the cut-off last row is dropped", () => {
    const p = parseCsv("a,b\n1,2\n3,", { partial: true });
    expect(p.rows).toEqual([["1", "2"]]);
    expect(p.truncated).toBe(true);
  });

  it("tabs for TSV", () => {
    expect(parseCsv("a\tb\n1\t2\n", { delimiter: "\t" }).rows).toEqual([["1", "2"]]);
  });
});
