/**
 * The lineage panel's rules: its artifact is written `name:alias` or `name:vN` (the server's
 * schema/layout.py LINEAGE_ARTIFACT says the same), and how deep it draws.
 */

/** Hops either way the panel may draw (the artifact page's Lineage tab offers the same). */
export const LINEAGE_DEPTHS = [1, 2, 3, 4, 5, 6] as const;
export const DEFAULT_LINEAGE_DEPTH = 2;

const ARTIFACT = /^[^:/]+:[^:/]+$/;

/** `name:alias` to its name and version (an alias, `vN` or a version id); null when it is no such text. */
export function parseLineageArtifact(text: string): { name: string; version: string } | null {
  const t = text.trim();
  if (!ARTIFACT.test(t)) return null;
  const at = t.indexOf(":");
  return { name: t.slice(0, at), version: t.slice(at + 1) };
}

/** What stops the text from naming a version, in words that say the fix; null when it does. */
export function lineageProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return "Name an artifact version, e.g. mnist-model:latest.";
  if (t.length > 300) return "The artifact is longer than 300 characters.";
  if (t.includes("/")) return "Write the artifact's name and version without its project, e.g. mnist-model:v3.";
  if (!parseLineageArtifact(t)) return `“${t}” names no version: write name:alias or name:vN, e.g. ${t.split(":")[0] || "mnist-model"}:latest.`;
  return null;
}
