import { describe, expect, it } from "vitest";
import { compileRowFilter, ExprError, parseExpr } from "./rowexpr";

const rows = [
  { text: "refund", actual_label: "billing", predicted_label: "billing", confidence: 0.97 },
  { text: "crash", actual_label: "bug", predicted_label: "bug", confidence: 0.93 },
  { text: "dark mode", actual_label: "feature", predicted_label: "billing", confidence: 0.41 },
];
const cols = ["text", "actual_label", "predicted_label", "confidence"];
const names = (src: string): string[] => rows.filter(compileRowFilter(src, cols)).map((r) => r.text);
const err = (src: string): string => {
  try {
    parseExpr(src, cols);
  } catch (e) {
    expect(e).toBeInstanceOf(ExprError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${src}`);
};

describe("row filter expressions", () => {
  it("compares numbers and strings from row[...] and literals", () => {
    expect(names('row["confidence"] < 0.5')).toEqual(["dark mode"]);
    expect(names('row["confidence"] >= 0.93')).toEqual(["refund", "crash"]);
    expect(names("row['actual_label'] == 'bug'")).toEqual(["crash"]);
    expect(names('row["actual_label"] != row["predicted_label"]')).toEqual(["dark mode"]);
    expect(names('0.95 < row["confidence"]')).toEqual(["refund"]);
    expect(names('row["confidence"] > -1e3')).toHaveLength(3);
    expect(names('"mode" in row["text"]')).toEqual(["dark mode"]);
    expect(names('"mode" not in row["text"]')).toEqual(["refund", "crash"]);
  });

  it("and binds tighter than or, not tighter than and; parentheses override", () => {
    // a or (b and c)
    expect(names('row["text"] == "refund" or row["actual_label"] == "bug" and row["confidence"] < 0.5')).toEqual(["refund"]);
    // (a or b) and c
    expect(names('(row["text"] == "refund" or row["actual_label"] == "bug") and row["confidence"] < 0.95')).toEqual(["crash"]);
    // (not a) and b
    expect(names('not row["actual_label"] == "bug" and row["confidence"] > 0.9')).toEqual(["refund"]);
    expect(names('not (row["actual_label"] == "bug" and row["confidence"] > 0.9)')).toEqual(["refund", "dark mode"]);
    expect(names('row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]')).toEqual(["dark mode"]);
    expect(names('row["confidence"] < 0.5 && !(row["text"] == "x") || false')).toEqual(["dark mode"]);
    expect(names("True and not None")).toHaveLength(3);
  });

  it("orders only like with like: null and mixed types never match", () => {
    const f = compileRowFilter('row["x"] < 1');
    expect(f({ x: null })).toBe(false);
    expect(f({ x: "0" })).toBe(false);
    expect(f({ x: { _type: "image-file" } })).toBe(false);
    expect(f({ x: 0 })).toBe(true);
    expect(compileRowFilter('row["x"] == null')({})).toBe(true);
  });

  it("rejects unsafe or unknown syntax with a clear message", () => {
    expect(err('__import__("os")')).toMatch(/function calls are not allowed/);
    expect(err("__import__")).toMatch(/unknown name "__import__"/);
    expect(err('row["text"].upper()')).toMatch(/attribute access .* not allowed/);
    expect(err("row.__class__")).toMatch(/attribute access .* not allowed/);
    expect(err('len(row["text"]) > 3')).toMatch(/function calls are not allowed: "len\("/);
    expect(err('row["confidence"](1)')).toMatch(/function calls are not allowed/);
    expect(err('row["text"][0] == "r"')).toMatch(/indexing .* only as row\["column"\]/);
    expect(err("row[0]")).toMatch(/quoted column name/);
    expect(err('row["nope"] > 1')).toMatch(/unknown column "nope" \(columns: "text"/);
    expect(err('row["confidence"] = 1')).toMatch(/compare with ==/);
    expect(err('row["confidence"] < 0.5 row["text"]')).toMatch(/join conditions with and\/or/);
    expect(err('(row["confidence"] < 0.5')).toMatch(/expected "\)"/);
    expect(err('row["confidence"] <')).toMatch(/ends too early/);
    expect(err('"open')).toMatch(/unterminated string/);
    expect(err("1 < 2 < 3")).toMatch(/chained comparison/);
    expect(err("row['a'] ; 1")).toMatch(/unexpected character ";"/);
    expect(err("")).toMatch(/empty/);
    expect(err("`x`")).toMatch(/unexpected character/);
  });
});
