/**
 * The table viewer's filter language: a small, safe expression over one row, parsed here and
 * evaluated by walking the tree — never eval or Function. What it accepts:
 *
 *   row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]
 *   not (row["label"] == "cat" or row["label"] in "dog bird")
 *
 * Comparisons (== != < <= > >=, `in` for substrings and lists), and/or/not (also && || !),
 * parentheses, string/number literals, true/false/null (True/False/None too), and row["column"].
 * Anything else (names, attribute access, calls, indexing other than row[...]) is an error with a
 * message saying what is allowed.
 */

export class ExprError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = "ExprError";
  }
}

export type Value = unknown;
export type Node =
  | { t: "lit"; v: string | number | boolean | null }
  | { t: "col"; name: string }
  | { t: "not"; e: Node }
  | { t: "and" | "or"; l: Node; r: Node }
  | { t: "cmp"; op: CmpOp; l: Node; r: Node };
export type CmpOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in";

type Tok =
  | { k: "num"; v: number; pos: number }
  | { k: "str"; v: string; pos: number }
  | { k: "id"; v: string; pos: number }
  | { k: "op"; v: string; pos: number }
  | { k: "end"; pos: number };

const ALLOWED = 'allowed: row["column"], numbers, "strings", true/false/null, == != < <= > >= in, and/or/not, parentheses';

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      const text = m?.[0] ?? c;
      out.push({ k: "num", v: Number(text), pos: start });
      i += text.length;
      if (/[A-Za-z_]/.test(src[i] ?? "")) throw new ExprError(`unexpected "${src[i] ?? ""}" after number at ${i + 1}`, i);
      continue;
    }
    if (c === '"' || c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new ExprError(`unterminated string starting at ${start + 1}`, start);
        const d = src[i] ?? "";
        if (d === c) {
          i++;
          break;
        }
        if (d === "\\") {
          const e = src[i + 1] ?? "";
          s += e === "n" ? "\n" : e === "t" ? "\t" : e;
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push({ k: "str", v: s, pos: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const text = m?.[0] ?? c;
      out.push({ k: "id", v: text, pos: start });
      i += text.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) {
      out.push({ k: "op", v: two, pos: start });
      i += 2;
      continue;
    }
    if ("<>()[]!-,.=".includes(c)) {
      if (c === "=") throw new ExprError(`"=" at ${i + 1}: compare with ==`, i);
      out.push({ k: "op", v: c, pos: start });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character "${c}" at ${i + 1} (${ALLOWED})`, i);
  }
  out.push({ k: "end", pos: src.length });
  return out;
}

const KEYWORDS: Record<string, Node> = {
  true: { t: "lit", v: true },
  True: { t: "lit", v: true },
  false: { t: "lit", v: false },
  False: { t: "lit", v: false },
  null: { t: "lit", v: null },
  None: { t: "lit", v: null },
};

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly columns: ReadonlySet<string> | null,
  ) {}

  private peek(): Tok {
    return this.toks[this.i] ?? { k: "end", pos: 0 };
  }
  private next(): Tok {
    const t = this.peek();
    this.i++;
    return t;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === "op" && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.k === "id" && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.k !== "op" || t.v !== v) throw new ExprError(`expected "${v}" at ${t.pos + 1}, found ${describe(t)}`, t.pos);
  }

  parse(): Node {
    if (this.peek().k === "end") throw new ExprError("empty expression", 0);
    const e = this.or();
    const t = this.peek();
    if (t.k !== "end") throw new ExprError(`unexpected ${describe(t)} at ${t.pos + 1}: join conditions with and/or`, t.pos);
    return e;
  }
  private or(): Node {
    let l = this.and();
    while (this.isWord("or") || this.isOp("||")) {
      this.next();
      l = { t: "or", l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.isWord("and") || this.isOp("&&")) {
      this.next();
      l = { t: "and", l, r: this.not() };
    }
    return l;
  }
  private not(): Node {
    if (this.isWord("not") || this.isOp("!")) {
      this.next();
      return { t: "not", e: this.not() };
    }
    return this.cmp();
  }
  private cmp(): Node {
    const l = this.primary();
    const t = this.peek();
    let op: CmpOp | null = null;
    if (t.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.v)) op = t.v as CmpOp;
    else if (t.k === "id" && t.v === "in") op = "in";
    else if (t.k === "id" && t.v === "not" && this.toks[this.i + 1]?.k === "id" && (this.toks[this.i + 1] as { v: string }).v === "in") {
      this.next();
      op = "not in";
    }
    if (!op) return l;
    this.next();
    const r = this.primary();
    const after = this.peek();
    if (after.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(after.v))
      throw new ExprError(`chained comparison at ${after.pos + 1}: write a < b and b < c`, after.pos);
    return { t: "cmp", op, l, r };
  }
  private primary(): Node {
    const t = this.next();
    if (t.k === "num") return this.noCall({ t: "lit", v: t.v });
    if (t.k === "str") return this.noCall({ t: "lit", v: t.v });
    if (t.k === "op" && t.v === "(") {
      const e = this.or();
      this.expect(")");
      return this.noCall(e);
    }
    if (t.k === "op" && t.v === "-") {
      const n = this.next();
      if (n.k !== "num") throw new ExprError(`"-" at ${t.pos + 1} must be followed by a number`, t.pos);
      return { t: "lit", v: -n.v };
    }
    if (t.k === "id") {
      const kw = KEYWORDS[t.v];
      if (kw) return this.noCall(kw);
      if (t.v === "row") {
        if (this.isOp(".")) throw new ExprError(`attribute access at ${this.peek().pos + 1} is not allowed: write row["column"]`, this.peek().pos);
        if (!this.isOp("[")) throw new ExprError(`row at ${t.pos + 1} must be followed by ["column"]`, t.pos);
        this.next();
        const name = this.next();
        if (name.k !== "str") throw new ExprError(`row[...] at ${t.pos + 1} takes a quoted column name, like row["confidence"]`, name.pos);
        this.expect("]");
        if (this.columns && !this.columns.has(name.v)) {
          const known = [...this.columns].map((c) => JSON.stringify(c)).join(", ");
          throw new ExprError(`unknown column ${JSON.stringify(name.v)} (columns: ${known})`, name.pos);
        }
        return this.noCall({ t: "col", name: name.v });
      }
      if (this.isOp("(")) throw new ExprError(`function calls are not allowed: "${t.v}(" at ${t.pos + 1} (${ALLOWED})`, t.pos);
      throw new ExprError(`unknown name "${t.v}" at ${t.pos + 1} (${ALLOWED})`, t.pos);
    }
    if (t.k === "end") throw new ExprError("expression ends too early: expected a value", t.pos);
    throw new ExprError(`unexpected ${describe(t)} at ${t.pos + 1}`, t.pos);
  }
  private noCall(n: Node): Node {
    const t = this.peek();
    if (t.k === "op" && t.v === "(") throw new ExprError(`function calls are not allowed ("(" at ${t.pos + 1})`, t.pos);
    if (t.k === "op" && t.v === ".") throw new ExprError(`attribute access at ${t.pos + 1} is not allowed: write row["column"]`, t.pos);
    if (t.k === "op" && t.v === "[") throw new ExprError(`indexing at ${t.pos + 1} is allowed only as row["column"]`, t.pos);
    return n;
  }
}

function describe(t: Tok): string {
  if (t.k === "end") return "end of expression";
  if (t.k === "str") return `string ${JSON.stringify(t.v)}`;
  return `"${String(t.v)}"`;
}

/** Parses an expression; with `columns`, a row["x"] naming no column is an error too. */
export function parseExpr(src: string, columns?: Iterable<string>): Node {
  return new Parser(tokenize(src), columns ? new Set(columns) : null).parse();
}

function truthy(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  return typeof v !== "number" || !Number.isNaN(v);
}

function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === undefined) return b === null;
  if (b === undefined) return a === null;
  return false;
}

function compare(op: CmpOp, a: Value, b: Value): boolean {
  switch (op) {
    case "==":
      return equal(a, b);
    case "!=":
      return !equal(a, b);
    case "in":
    case "not in": {
      let r = false;
      if (typeof b === "string" && typeof a === "string") r = b.includes(a);
      else if (Array.isArray(b)) r = b.some((x) => equal(x, a));
      return op === "in" ? r : !r;
    }
    default: {
      // Ordering only between two numbers or two strings; anything else (null, media) is false.
      const ok = (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
      if (!ok) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
    }
  }
}

export function evaluate(n: Node, row: Readonly<Record<string, Value>>): Value {
  switch (n.t) {
    case "lit":
      return n.v;
    case "col":
      return Object.prototype.hasOwnProperty.call(row, n.name) ? row[n.name] : null;
    case "not":
      return !truthy(evaluate(n.e, row));
    case "and":
      return truthy(evaluate(n.l, row)) && truthy(evaluate(n.r, row));
    case "or":
      return truthy(evaluate(n.l, row)) || truthy(evaluate(n.r, row));
    case "cmp":
      return compare(n.op, evaluate(n.l, row), evaluate(n.r, row));
  }
}

/** Compiles a filter to a predicate over rows as {column: value}. Throws ExprError. */
export function compileRowFilter(src: string, columns?: Iterable<string>): (row: Readonly<Record<string, Value>>) => boolean {
  const ast = parseExpr(src, columns);
  return (row) => truthy(evaluate(ast, row));
}
