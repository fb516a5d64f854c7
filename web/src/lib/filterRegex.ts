/**
 * `$regex` in a runs filter: the pattern language the server accepts (store/sql/regex.py), checked
 * the same way here so that the workspace refuses what the server refuses, with the same words. The
 * server also refuses patterns too large once compiled (RE2 measures that); the browser cannot.
 */
import { bad, shown, type FilterError } from "./filterErrors";
import type { Json } from "./filters";

const REFUSED_ESCAPES: Record<string, [string, string]> = {
  b: ["\\b (a word boundary in RE2, a backspace in PostgreSQL)", "use (^|[^A-Za-z0-9_]) or ([^A-Za-z0-9_]|$)"],
  B: ["\\B", "spell out the characters around it"],
  A: ["\\A", "use ^"],
  z: ["\\z", "use $"],
  Z: ["\\Z", "use $"],
  p: ["\\p{..} (Unicode classes)", "use a character class like [a-zA-Z]"],
  P: ["\\P{..} (Unicode classes)", "use a negated character class like [^a-zA-Z]"],
  Q: ["\\Q..\\E quoting", "escape each special character with \\"],
  E: ["\\Q..\\E quoting", "escape each special character with \\"],
  C: ["\\C", "use ."],
};
const REGEX_HINT = 'RE2 syntax without back-references, look-around or inline flags; e.g. {"$regex": "^bert-"}';
const MAX_REPEAT = 255;

function checkPortable(pattern: string): void {
  const refuse = (what: string): FilterError => bad(`$regex ${shown(pattern)}: ${what}`, REGEX_HINT);
  let inClass = false;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "\\") {
      const e = pattern[i + 1] ?? "";
      const refused = REFUSED_ESCAPES[e];
      if (refused) throw refuse(`${refused[0]} is not supported: ${refused[1]}`);
      if (/[0-9]/.test(e)) throw refuse(`back-reference or octal escape \\${e} is not supported`);
      if (e === "x" && pattern[i + 2] === "{") throw refuse("\\x{..} is not supported: use \\xHH with two hex digits");
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && /^\[:[A-Za-z]+:\]/.test(pattern.slice(i))) throw refuse("POSIX classes like [[:alpha:]] are not supported: use [a-zA-Z]");
      inClass = c !== "]";
      i++;
      continue;
    }
    if (c === "[") {
      i += pattern[i + 1] === "^" ? 2 : 1;
      if (pattern[i] === "]") throw refuse("a class starting with ] is read differently by browsers: write \\]");
      inClass = true;
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?" && pattern[i + 2] !== ":")
      throw refuse('inline flags, named groups and look-around ((?i), (?P<name>..), (?=..)) are not supported: use $options: "i" for case-insensitive matching, (?:..) for a group');
    if (c === "{") {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      if (m && Math.max(...[m[1], m[2]].filter((n) => n).map(Number)) > MAX_REPEAT) throw refuse(`repetition counts above ${MAX_REPEAT} are not supported`);
    }
    i++;
  }
}

export function compileRegex(pattern: Json, options: Json | undefined): RegExp {
  if (typeof pattern !== "string") throw bad(`$regex needs a string pattern, got ${shown(pattern)}`, REGEX_HINT);
  if (options !== undefined && options !== null && options !== "" && options !== "i") throw bad(`unsupported $options ${shown(options)}`, 'only "i" (case-insensitive) is supported');
  if (pattern.length > 1000) throw bad(`$regex ${shown(pattern.slice(0, 40) + "...")}: longer than 1000 characters`, REGEX_HINT);
  checkPortable(pattern);
  try {
    // "s": "." matches a newline, as in PostgreSQL and the server's RE2.
    return new RegExp(pattern, options === "i" ? "is" : "s");
  } catch (e) {
    throw bad(`$regex ${shown(pattern)}: invalid regular expression: ${(e as Error).message}`, REGEX_HINT);
  }
}
