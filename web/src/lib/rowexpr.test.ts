import { describe, expect, it } from "vitest";
import { ExprError, parseExpr, type CmpOp, type Node } from "./rowexpr";

const cols = ["text", "actual_label", "predicted_label", "confidence"];
const col = (name: string): Node => ({ t: "col", name });
const lit = (v: string | number | boolean | null): Node => ({ t: "lit", v });
const cmp = (op: CmpOp, l: Node, r: Node): Node => ({ t: "cmp", op, l, r });
const eq = (c: string, v: string): Node => cmp("==", col(c), lit(v));
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
  it("parses comparisons of row[...] and literals", () => {
    expect(parseExpr('row["confidence"] < 0.5', cols)).toEqual(cmp("<", col("confidence"), lit(0.5)));
    expect(parseExpr("row['actual_label'] == 'bug'", cols)).toEqual(eq("actual_label", "bug"));
    expect(parseExpr('row["actual_label"] != row["predicted_label"]', cols)).toEqual(cmp("!=", col("actual_label"), col("predicted_label")));
    expect(parseExpr('0.95 < row["confidence"]', cols)).toEqual(cmp("<", lit(0.95), col("confidence")));
    expect(parseExpr('row["confidence"] > -1e3', cols)).toEqual(cmp(">", col("confidence"), lit(-1000)));
    expect(parseExpr('"mode" not in row["text"]', cols)).toEqual(cmp("not in", lit("mode"), col("text")));
    expect(parseExpr("True and not None")).toEqual({ t: "and", l: lit(true), r: { t: "not", e: lit(null) } });
  });

  it("and binds tighter than or, not tighter than and; parentheses override", () => {
    const [a, b, c] = [eq("text", "a"), eq("text", "b"), eq("text", "c")] as [Node, Node, Node];
    expect(parseExpr('row["text"] == "a" or row["text"] == "b" and row["text"] == "c"')).toEqual({ t: "or", l: a, r: { t: "and", l: b, r: c } });
    expect(parseExpr('(row["text"] == "a" || row["text"] == "b") && !row["text"] == "c"')).toEqual({ t: "and", l: { t: "or", l: a, r: b }, r: { t: "not", e: c } });
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
    expect(err('row["confidence"] <')).toMatch(/ends too early at 20: expected a value/);
    expect(err('"open')).toMatch(/unterminated string/);
    expect(err("1 < 2 < 3")).toMatch(/chained comparison/);
    expect(err("row['a'] ; 1")).toMatch(/unexpected character ";"/);
    expect(err("")).toMatch(/empty/);
    expect(err("`x`")).toMatch(/unexpected character/);
  });
});
