/** ANSI SGR colour codes in console output to styled spans (the subset training scripts use). */

export interface Span {
  text: string;
  cls: string;
}

const COLORS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

export function parseAnsi(line: string): Span[] {
  const out: Span[] = [];
  let classes = new Set<string>();
  const re = /\x1b\[([0-9;]*)m/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), cls: [...classes].join(" ") });
    last = re.lastIndex;
    for (const code of (m[1] || "0").split(";").map(Number)) {
      if (code === 0) classes = new Set();
      else if (code === 1) classes.add("ansi-bold");
      else if (code >= 30 && code <= 37) {
        classes = new Set([...classes].filter((c) => !c.startsWith("ansi-fg")));
        classes.add(`ansi-fg-${COLORS[code - 30]}`);
      } else if (code >= 90 && code <= 97) {
        classes = new Set([...classes].filter((c) => !c.startsWith("ansi-fg")));
        classes.add(`ansi-fg-${COLORS[code - 90]}`);
      } else if (code === 39) classes = new Set([...classes].filter((c) => !c.startsWith("ansi-fg")));
    }
  }
  if (last < line.length) out.push({ text: line.slice(last).replace(/\x1b\[[0-9;]*[A-Za-z]/g, ""), cls: [...classes].join(" ") });
  return out;
}
