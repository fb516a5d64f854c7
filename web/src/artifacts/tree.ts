/**
 * A version's manifest as a folder tree: the manifest lists every entry by its full path
 * ("images/train/0001.png"); the Files tab shows folders that open and close. Only the rows of open
 * folders are built (`visibleRows`), so a manifest of 100,000 entries renders a few hundred rows.
 * Pure functions: the component renders what they return.
 */
import type { ManifestEntry } from "./types";

export interface TreeFile {
  kind: "file";
  name: string;
  path: string;
  entry: ManifestEntry;
}

export interface TreeFolder {
  kind: "folder";
  name: string;
  /** "" for the root, else the folder's path without a trailing slash. */
  path: string;
  children: TreeNode[];
  files: number;
  size: number;
}

export type TreeNode = TreeFile | TreeFolder;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** The tree of `contents`: folders before files, each in natural order ("2" before "10"). */
export function buildTree(contents: Record<string, ManifestEntry>): TreeFolder {
  const root: TreeFolder = { kind: "folder", name: "", path: "", children: [], files: 0, size: 0 };
  const folders = new Map<string, TreeFolder>([["", root]]);
  const folderOf = (path: string): TreeFolder => {
    const known = folders.get(path);
    if (known) return known;
    const cut = path.lastIndexOf("/");
    const parent = folderOf(cut < 0 ? "" : path.slice(0, cut));
    const made: TreeFolder = { kind: "folder", name: path.slice(cut + 1), path, children: [], files: 0, size: 0 };
    parent.children.push(made);
    folders.set(path, made);
    return made;
  };
  for (const [path, entry] of Object.entries(contents)) {
    const cut = path.lastIndexOf("/");
    const folder = folderOf(cut < 0 ? "" : path.slice(0, cut));
    folder.children.push({ kind: "file", name: path.slice(cut + 1), path, entry });
    // Counts and sizes go up to every folder above.
    for (let p: string | null = folder.path; p !== null; p = p === "" ? null : p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "") {
      const f = folders.get(p);
      if (f) {
        f.files += 1;
        f.size += entry.size;
      }
    }
  }
  for (const folder of folders.values())
    folder.children.sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === "folder" ? -1 : 1));
  return root;
}

export interface TreeRow {
  node: TreeNode;
  depth: number;
  open: boolean;
}

/** The rows on screen: the root's children, and the children of every open folder under them.
 * With `filter`, every file whose path contains it (case-insensitive) with its folders, all open. */
export function visibleRows(root: TreeFolder, open: ReadonlySet<string>, filter = ""): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  const rows: TreeRow[] = [];
  const matches = (node: TreeNode): boolean =>
    node.kind === "file" ? node.path.toLowerCase().includes(needle) : node.children.some(matches);
  const walk = (folder: TreeFolder, depth: number): void => {
    for (const node of folder.children) {
      if (needle && !matches(node)) continue;
      const isOpen = node.kind === "folder" && (needle !== "" || open.has(node.path));
      rows.push({ node, depth, open: isOpen });
      if (node.kind === "folder" && isOpen) walk(node, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

/** The folders that hold `path` ("a/b/c.txt" -> "a", "a/b"): opened so a linked file shows. */
export function ancestors(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
