/**
 * A run's files as folders: the server lists every file with its full path ("media/images/a.png");
 * the run page shows one folder at a time, with sub-folders first (their file count and total size)
 * and a breadcrumb back up. Pure functions: the component only renders what these return.
 */
export interface FileEntry {
  path: string;
  size: number;
  updated_at: number;
}

export interface FolderEntry {
  name: string;
  /** Path of the folder, without a trailing slash ("media/images"). */
  path: string;
  files: number;
  size: number;
  updated_at: number;
}

export interface FolderListing {
  folders: FolderEntry[];
  files: (FileEntry & { name: string })[];
  totalFiles: number;
  totalSize: number;
}

/** Normalise a folder path from the URL: no leading/trailing slashes, no empty or dot segments. */
export function cleanDir(dir: string | null | undefined): string {
  return (dir ?? "")
    .split("/")
    .filter((s) => s !== "" && s !== "." && s !== "..")
    .join("/");
}

/** The contents of folder `dir` ("" is the root); `filter` keeps files whose path contains it
 * (case-insensitive), and folders that hold such a file. */
export function listFolder(all: readonly FileEntry[], dir: string, filter = ""): FolderListing {
  const prefix = dir ? `${dir}/` : "";
  const needle = filter.trim().toLowerCase();
  const folders = new Map<string, FolderEntry>();
  const files: (FileEntry & { name: string })[] = [];
  let totalFiles = 0;
  let totalSize = 0;
  for (const f of all) {
    if (!f.path.startsWith(prefix)) continue;
    if (needle && !f.path.toLowerCase().includes(needle)) continue;
    totalFiles += 1;
    totalSize += f.size;
    const rest = f.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) {
      files.push({ ...f, name: rest });
      continue;
    }
    const name = rest.slice(0, slash);
    const entry = folders.get(name) ?? { name, path: prefix + name, files: 0, size: 0, updated_at: 0 };
    entry.files += 1;
    entry.size += f.size;
    entry.updated_at = Math.max(entry.updated_at, f.updated_at);
    folders.set(name, entry);
  }
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
  return { folders: [...folders.values()].sort(byName), files: files.sort(byName), totalFiles, totalSize };
}

/** Breadcrumb of `dir`: the root, then each folder on the way down. */
export function breadcrumb(dir: string): { name: string; path: string }[] {
  const parts = cleanDir(dir).split("/").filter(Boolean);
  return [{ name: "files", path: "" }, ...parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join("/") }))];
}

/** Human-readable byte count: 1023 B, 1.5 KiB, 12.3 MiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
