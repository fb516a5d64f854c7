/**
 * A run's files as a folder tree, one folder at a time: breadcrumb, sub-folders (file count, total
 * size, last change), then files with view and download links, and a search box over every path.
 * The open folder is the `dir` URL parameter, so a folder view is a shareable link and the back
 * button goes up. Files open in a new tab under the server's sandboxing headers.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type RunOut } from "../api/client";
import { breadcrumb, bytes, cleanDir, listFolder } from "../lib/files";
import { dateTime } from "../lib/format";
import { setParams, useLocation } from "../router";
import { Empty } from "./Empty";

export function FileBrowser({ run }: { run: RunOut }): React.JSX.Element {
  const q = useQuery({
    queryKey: ["files", run.entity, run.project, run.id],
    queryFn: () => api.files(run.entity, run.project, run.id),
    refetchInterval: run.state === "running" ? 10_000 : false,
  });
  const dir = cleanDir(useLocation().search.get("dir"));
  const [filter, setFilter] = useState("");
  if (q.isPending) return <div className="loading">Loading…</div>;
  if (q.isError) return <Empty title="Could not list files">{(q.error as Error).message}</Empty>;
  if (q.data.files.length === 0)
    return <Empty title="No files">Files appear here when the run saves them: run.save("model.pt"), logged media, its code and requirements.</Empty>;
  const open = (path: string): void => setParams({ dir: path || null }, { push: true });
  const listing = listFolder(q.data.files, dir, filter);
  const url = (path: string): string => api.fileUrl(run.entity, run.project, run.id, path);
  return (
    <div className="file-browser" data-testid="files">
      <div className="file-bar">
        <nav className="crumbs" aria-label="folder">
          {breadcrumb(dir).map((c, i, all) =>
            i === all.length - 1 ? (
              <span key={c.path} className="crumb current">
                {c.name}
              </span>
            ) : (
              <span key={c.path}>
                <button type="button" className="link crumb" onClick={() => open(c.path)}>
                  {c.name}
                </button>
                <span className="muted"> / </span>
              </span>
            ),
          )}
        </nav>
        <input className="file-filter" type="search" placeholder="Find files by path" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="find files" />
        <span className="muted" data-testid="file-total">
          {listing.totalFiles === 1 ? "1 file" : `${listing.totalFiles} files`}, {bytes(listing.totalSize)}
        </span>
      </div>
      <table className="grid-table">
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Size</th>
            <th>Updated</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {dir && !filter && (
            <tr>
              <td colSpan={4}>
                <button type="button" className="link" onClick={() => open(dir.split("/").slice(0, -1).join("/"))}>
                  ↑ ..
                </button>
              </td>
            </tr>
          )}
          {listing.folders.map((f) => (
            <tr key={f.path} data-testid="folder-row">
              <td>
                <button type="button" className="link folder" onClick={() => open(f.path)}>
                  <FolderIcon /> {f.name}/
                </button>
              </td>
              <td className="num">{bytes(f.size)}</td>
              <td>{dateTime(f.updated_at)}</td>
              <td className="muted">{f.files === 1 ? "1 file" : `${f.files} files`}</td>
            </tr>
          ))}
          {listing.files.map((f) => (
            <tr key={f.path} data-testid="file-row">
              <td>
                <a href={url(f.path)} target="_blank" rel="noreferrer" title={f.path}>
                  <FileIcon /> {filter ? f.path.slice(dir ? dir.length + 1 : 0) : f.name}
                </a>
              </td>
              <td className="num" title={`${f.size.toLocaleString()} bytes`}>
                {bytes(f.size)}
              </td>
              <td>{dateTime(f.updated_at)}</td>
              <td>
                <a href={url(f.path)} download={f.name}>
                  Download
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {listing.totalFiles === 0 && <Empty title="No files match">Nothing under this folder contains “{filter}”.</Empty>}
    </div>
  );
}

// Drawn as SVG, not the 📁 emoji: a browser without an emoji font (Debian's Chromium out of the box)
// showed an empty box in its place.
function FolderIcon(): React.JSX.Element {
  return (
    <svg className="file-icon folder-icon" data-testid="folder-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path d="M1.5 3.5h4.2l1.5 1.5h7.3v8H1.5z" fill="currentColor" fillOpacity="0.25" stroke="currentColor" strokeWidth="1" strokeLinejoin="round" />
    </svg>
  );
}

function FileIcon(): React.JSX.Element {
  return (
    <svg className="file-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" fill="none" stroke="currentColor" strokeWidth="1" strokeLinejoin="round" />
    </svg>
  );
}
