/**
 * The @mention pattern as the UI uses it: the same rule as the server's `schema/comments.py`
 * `mention_names` (tests/cases/mentions.json runs on both), for two things only: finding the name
 * being typed (the autocomplete) and highlighting the names the server resolved in a rendered
 * comment. Which names notify whom is the server's answer (`CommentOut.mentions`), never decided here.
 */
import type { PhrasingContent, Root, RootContent } from "mdast";

/** A username (letters, digits, "_", "-", "." not ending with "-" or "."), after an "@" that no
 * letter, digit, "_", ".", "-" or "@" precedes (an email address mentions nobody), with no letter
 * right after it. `\p{L}\p{N}_` is the server's Unicode `\w`. */
export const MENTION = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?![\p{L}\p{N}_])/gu;
const MAX_USERNAME = 64;

/** The usernames `text` mentions, each once, in order of first mention. */
export function mentionNames(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    const name = m[1] ?? "";
    if (name.length <= MAX_USERNAME && !found.includes(name)) found.push(name);
  }
  return found;
}

/** The "@partial" that ends at the caret, for the autocomplete: its start (the "@") and what is
 * typed after it; null when the caret is not in one. */
export function mentionAt(text: string, caret: number): { start: number; prefix: string } | null {
  const before = text.slice(0, caret);
  const m = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{0,64})$/u.exec(before);
  return m ? { start: m.index, prefix: m[1] ?? "" } : null;
}

/** `text` with the "@partial" at the caret replaced by "@username ", and where the caret goes. */
export function insertMention(text: string, caret: number, username: string): { text: string; caret: number } {
  const at = mentionAt(text, caret);
  if (!at) return { text, caret };
  const inserted = `@${username} `;
  return { text: text.slice(0, at.start) + inserted + text.slice(caret), caret: at.start + inserted.length };
}

type Parent = { children: RootContent[] };

function split(value: string, resolved: ReadonlySet<string>): PhrasingContent[] | null {
  const parts: PhrasingContent[] = [];
  let last = 0;
  for (const m of value.matchAll(MENTION)) {
    const name = m[1] ?? "";
    if (!resolved.has(name)) continue;
    if (m.index > last) parts.push({ type: "text", value: value.slice(last, m.index) });
    // An mdast node rendered as <span class="mention">: remark-rehype reads data.hName/hProperties.
    parts.push({ type: "emphasis", data: { hName: "span", hProperties: { className: ["mention"] } }, children: [{ type: "text", value: m[0] }] });
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return null;
  if (last < value.length) parts.push({ type: "text", value: value.slice(last) });
  return parts;
}

function walk(node: Parent, resolved: ReadonlySet<string>): void {
  const next: RootContent[] = [];
  for (const child of node.children) {
    if (child.type === "text") {
      next.push(...((split(child.value, resolved) as RootContent[] | null) ?? [child]));
      continue;
    }
    // Code (inline and blocks) and links keep their text as written.
    if ("children" in child && child.type !== "link" && child.type !== "linkReference") walk(child as Parent, resolved);
    next.push(child);
  }
  node.children = next;
}

/** A remark plugin marking the mentions the server resolved (`resolved`) as `<span class="mention">`. */
export function remarkMentions(resolved: readonly string[]) {
  const names = new Set(resolved);
  return () => (tree: Root) => {
    if (names.size > 0) walk(tree, names);
  };
}
