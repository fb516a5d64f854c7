/** A version's files: the manifest as a folder tree (left) and the chosen file's preview (right).
 * The chosen file is the `path` URL parameter, so a preview is a shareable link. */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Empty } from "../components/Empty";
import { bytes } from "../lib/files";
import { setParams, useLocation } from "../router";
import { artifactsApi, fileUrl, keys } from "./api";
import { ErrorState } from "./common";
import { FilePreview } from "./FilePreview";
import { DownloadIcon, FileIcon, FolderIcon, LinkIcon } from "./icons";
import { ancestors, buildTree, visibleRows } from "./tree";
import type { ArtifactVersionOut } from "./types";

const MAX_ROWS = 2000;

export function FilesTab({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const q = useQuery({ queryKey: [...keys.version(v.entity, v.project, v.name, v.version), "manifest"], queryFn: () => artifactsApi.manifest(v.entity, v.project, v.name, v.version), staleTime: Infinity });
  const selected = useLocation().search.get("path");
  const tree = useMemo(() => (q.data ? buildTree(q.data.contents ?? {}) : null), [q.data]);
  // Folders open: the first level when there are few, and always the folders of the chosen file.
  const [open, setOpen] = useState<Set<string>>(() => new Set(selected ? ancestors(selected) : []));
  const [filter, setFilter] = useState("");
  const rows = useMemo(() => (tree ? visibleRows(tree, open, filter) : []), [tree, open, filter]);
  if (q.isPending) return <div className="loading">Loading files…</div>;
  if (q.isError) return <ErrorState title="Could not load the file list" error={q.error} />;
  if (!tree || tree.files === 0) return <Empty title="This version has no files" />;
  const entry = selected ? q.data.contents?.[selected] : undefined;
  const toggle = (path: string): void => {
    const next = new Set(open);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setOpen(next);
  };
  return (
    <div className="artifact-files" data-testid="artifact-files">
      <div className="file-tree">
        <div className="file-bar">
          <input type="search" placeholder="Find files by path" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="find files" data-testid="file-filter" />
          <span className="muted" data-testid="file-total">
            {tree.files === 1 ? "1 file" : `${tree.files.toLocaleString()} files`}, {bytes(tree.size)}
          </span>
        </div>
        <ul className="tree" role="tree">
          {rows.slice(0, MAX_ROWS).map(({ node, depth, open: isOpen }) => (
            <li key={node.path} role="treeitem" aria-expanded={node.kind === "folder" ? isOpen : undefined} style={{ paddingLeft: depth * 16 }} className={node.path === selected ? "selected" : ""}>
              {node.kind === "folder" ? (
                <button type="button" className="tree-row folder" onClick={() => toggle(node.path)} data-testid="tree-folder" title={node.path}>
                  <span className="caret">{isOpen ? "▾" : "▸"}</span>
                  <span className="tree-name">
                    <FolderIcon /> {node.name}
                  </span>
                  <span className="muted tree-size">
                    {node.files === 1 ? "1 file" : `${node.files.toLocaleString()} files`} · {bytes(node.size)}
                  </span>
                </button>
              ) : (
                <span className="tree-file">
                  <button type="button" className="tree-row" onClick={() => setParams({ path: node.path })} data-testid="tree-file" data-path={node.path} title={node.path}>
                    <span className="caret" />
                    <span className="tree-name">
                      {node.entry.ref ? <LinkIcon /> : <FileIcon />} {node.name}
                    </span>
                    <span className="muted tree-size">{node.entry.ref && node.entry.size === 0 ? "–" : bytes(node.entry.size)}</span>
                  </button>
                  {!node.entry.ref && (
                    <a className="tree-download" href={fileUrl(v.entity, v.project, v.name, v.version, node.path)} download={node.name} title={`Download ${node.name}`} aria-label={`download ${node.path}`}>
                      <DownloadIcon />
                    </a>
                  )}
                </span>
              )}
            </li>
          ))}
        </ul>
        {rows.length > MAX_ROWS && <p className="muted">{(rows.length - MAX_ROWS).toLocaleString()} more rows: narrow them with the search box.</p>}
        {filter && rows.length === 0 && <p className="muted">No file path contains “{filter}”.</p>}
      </div>
      <div className="file-preview-pane">
        {selected && entry ? (
          <FilePreview v={v} path={selected} entry={entry} />
        ) : selected ? (
          <Empty title="No such file in this version">“{selected}” is not in {v.name}:{v.version}.</Empty>
        ) : (
          <Empty title="Choose a file to preview">Text, CSV, images and logged tables show here; every file can be downloaded.</Empty>
        )}
      </div>
    </div>
  );
}
