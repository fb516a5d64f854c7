/**
 * The runs filter's short text form (`lr>0.01 state=running`, `(lr>0.01 or lr<0.001) and
 * state=finished`), parsed into the same MongoDB-style filter objects `Api().runs` takes. This is the
 * form's one parser: the server only ever receives the filter objects (src/trackwell/store/sql/filters.py
 * evaluates those), so there is no second copy of these rules.
 *
 * Grammar (`and` binds tighter than `or`; terms side by side are ANDed, as before `or` existed):
 *   expr    := conj ("or" conj)*
 *   conj    := primary (["and"] primary)*
 *   primary := "(" expr ")" | term
 *   term    := field op value  |  word  |  "quoted words"      (a word or quoted text matches the name)
 *   op      := = != > >= < <= ~ (regex)
 * A mistake is a FilterError naming what is wrong and its position (1-based), so that `lr>>0.01`
 * says "unexpected '>' at 4; write lr>0.01" instead of silently selecting no runs.
 */

import { FilterError } from "./filterErrors";
import type { Filter, Json } from "./filters";

/** Turns a written field name into the API's field (`lr` -> `config.lr`), or throws a FilterError. */
export type FieldResolver = (name: string) => string;

type Token =
  | { kind: "(" | ")"; pos: number }
  | { kind: "or" | "and"; pos: number }
  | { kind: "term"; pos: number; filter: Filter };

const FIELD = /[A-Za-z_][\w./-]*/y;
const OPERATOR = />=|<=|!=|=|>|<|~/y;
const OP_CHARS = "<>=!~";
const MONGO: Record<string, string> = { "=": "$eq", "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "~": "$regex" };

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function literal(text: string): Json {
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  return text;
}

const fail = (message: string, pos: number, hint?: string): FilterError =>
  new FilterError(`${message} at ${pos + 1}${hint ? `; ${hint}` : ""}`);

/** Reads an unquoted run of text from `start`: up to white space, or a `)` that closes no `(` of its
 * own (so `name~^a(b|c)` keeps its group while `(lr<1)` ends at the `)`). */
function readBare(text: string, start: number): number {
  let depth = 0;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (/\s/.test(c)) break;
    if (c === "(") depth++;
    else if (c === ")") {
      if (depth === 0) break;
      depth--;
    }
  }
  return i;
}

/** Reads `"..."` at `start` (the quote); returns the text inside and the index after the closing quote. */
function readQuoted(text: string, start: number): [string, number] {
  const end = text.indexOf('"', start + 1);
  if (end < 0) throw fail(`the '"' at ${start + 1} is not closed: expected '"'`, text.length);
  return [text.slice(start + 1, end), end + 1];
}

function readTerm(text: string, start: number, resolve: FieldResolver): [Filter, number] {
  if (text[start] === '"') {
    const [words, end] = readQuoted(text, start);
    return [{ display_name: { $regex: escapeRegex(words) } }, end];
  }
  const c = text[start] as string;
  if (OP_CHARS.includes(c)) throw fail(`unexpected '${c}'`, start, "write a field before it, e.g. lr>0.01");
  FIELD.lastIndex = start;
  const field = FIELD.exec(text);
  const opAt = start + (field?.[0].length ?? 0);
  OPERATOR.lastIndex = opAt;
  const op = field ? OPERATOR.exec(text) : null;
  if (!field || !op) {
    // Not `field<op>value`: a word of the run's name.
    const end = readBare(text, start);
    return [{ display_name: { $regex: escapeRegex(text.slice(start, end)) } }, end];
  }
  const name = field[0];
  const valueAt = opAt + op[0].length;
  const next = text[valueAt];
  if (next !== undefined && OP_CHARS.includes(next)) {
    let rest = valueAt;
    while (rest < text.length && OP_CHARS.includes(text[rest] as string)) rest++;
    const value = text.slice(rest, readBare(text, rest));
    throw fail(`unexpected '${next}'`, valueAt, `write ${name}${op[0]}${value || "0.01"}`);
  }
  let raw: string;
  let end: number;
  let quoted = false;
  if (next === '"') {
    [raw, end] = readQuoted(text, valueAt);
    quoted = true;
  } else {
    end = readBare(text, valueAt);
    raw = text.slice(valueAt, end);
  }
  if (!quoted && raw === "") throw fail(`${name}${op[0]} needs a value`, valueAt, `e.g. ${name}${op[0]}0.01`);
  const resolved = resolveAt(resolve, name, start);
  const mongo = MONGO[op[0]] ?? "$eq";
  return [{ [resolved]: { [mongo]: op[0] === "~" || quoted ? raw : literal(raw) } }, end];
}

function resolveAt(resolve: FieldResolver, name: string, pos: number): string {
  try {
    return resolve(name);
  } catch (e) {
    if (e instanceof FilterError) throw new FilterError(`${e.message} (at ${pos + 1})`, e.field);
    throw e;
  }
}

function tokenize(text: string, resolve: FieldResolver): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c, pos: i });
      i++;
    } else {
      const word = /(?:or|and)(?=[\s()]|$)/iy;
      word.lastIndex = i;
      const m = word.exec(text);
      if (m) {
        tokens.push({ kind: m[0].toLowerCase() as "or" | "and", pos: i });
        i += m[0].length;
      } else {
        const [filter, end] = readTerm(text, i, resolve);
        tokens.push({ kind: "term", pos: i, filter });
        i = end;
      }
    }
  }
  return tokens;
}

/** Joins the parts of an `and`/`or`, flattening nested ones of the same kind. */
function join(op: "$and" | "$or", parts: Filter[]): Filter {
  if (parts.length === 1) return parts[0] as Filter;
  const flat = parts.flatMap((p) => {
    const keys = Object.keys(p);
    return keys.length === 1 && keys[0] === op ? (p[op] as Filter[]) : [p];
  });
  return { [op]: flat };
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly end: number,
  ) {}

  parse(): Filter {
    const filter = this.expr();
    const extra = this.tokens[this.i];
    if (extra) throw fail(extra.kind === ")" ? "unexpected ')', it closes no '('" : `unexpected '${extra.kind}'`, extra.pos);
    return filter;
  }

  private expr(): Filter {
    const parts = [this.conj()];
    while (this.tokens[this.i]?.kind === "or") {
      this.i++;
      parts.push(this.conj());
    }
    return join("$or", parts);
  }

  private conj(): Filter {
    const parts = [this.primary()];
    for (;;) {
      const t = this.tokens[this.i];
      if (t?.kind === "and") {
        this.i++;
        parts.push(this.primary());
      } else if (t?.kind === "term" || t?.kind === "(") {
        parts.push(this.primary());
      } else {
        return join("$and", parts);
      }
    }
  }

  private primary(): Filter {
    const t = this.tokens[this.i];
    if (!t) throw fail("the filter ends too early: expected a term such as lr>0.01", this.end);
    if (t.kind === "term") {
      this.i++;
      return t.filter;
    }
    if (t.kind === "(") {
      this.i++;
      const inner = this.expr();
      const close = this.tokens[this.i];
      if (close?.kind !== ")") throw fail(`the '(' at ${t.pos + 1} is not closed: expected ')'`, close?.pos ?? this.end);
      this.i++;
      return inner;
    }
    throw fail(t.kind === ")" ? "unexpected ')', expected a term such as lr>0.01" : `'${t.kind}' needs a term on each side`, t.pos);
  }
}

/** Parses the short form (not JSON) into a filter object; `{}` for empty text. */
export function parseShortForm(text: string, resolve: FieldResolver): Filter {
  const tokens = tokenize(text, resolve);
  if (tokens.length === 0) return {};
  return new Parser(tokens, text.length).parse();
}
