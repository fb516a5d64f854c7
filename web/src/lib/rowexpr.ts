/**
 * The table viewer's filter language: a small, safe expression over one row. The server evaluates
 * it (service/tables_expr.py parses the same grammar, store/tables/compile.py turns the tree into
 * SQL with bound parameters); the viewer parses it here as it is typed, to point at a mistake at
 * once and to send only expressions that parse. Never eval or Function. What it accepts:
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
    if (t.k === "end") throw new ExprError(`expression ends too early at ${t.pos + 1}: expected a value`, t.pos);
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
