/**
 * One file of a version: its details, a download link, and a preview. Only the first megabyte of a
 * text file is read (a Range request, and the reading stops there whatever the server sends); CSV,
 * TSV and logged tables show as tables, images inline from the file route. Everything is rendered as
 * text: HTML in a file name, a cell or a text file shows as the characters it is made of.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { bytes } from "../lib/files";
import { fileUrl } from "./api";
import { parseCsv } from "./csv";
import { cellText, looksBinary, openableRef, PREVIEW_BYTES, previewKind, tableFromJson, upscale } from "./preview";
import type { ArtifactVersionOut, ManifestEntry } from "./types";

const TABLE_MAX_BYTES = 20 << 20;
const TABLE_ROWS = 1000;

interface Head {
  bytes: Uint8Array;
  complete: boolean;
}

/** Up to `limit` bytes of a file. */
async function readHead(url: string, limit: number, size: number): Promise<Head> {
  if (size === 0) return { bytes: new Uint8Array(), complete: true };
  const res = await fetch(url, { headers: { Range: `bytes=0-${limit - 1}` }, credentials: "same-origin" });
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      /* not an error body */
    }
    throw new Error(message);
  }
  const chunks: Uint8Array[] = [];
  let got = 0;
  const reader = res.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(await res.arrayBuffer()).slice(0, limit), complete: size <= limit };
  while (got < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
  }
  void reader.cancel().catch(() => undefined);
  const out = new Uint8Array(Math.min(got, limit));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
    if (at >= out.length) break;
  }
  return { bytes: out, complete: out.length >= size };
}

export function FilePreview({ v, path, entry }: { v: ArtifactVersionOut; path: string; entry: ManifestEntry }): React.JSX.Element {
  const url = fileUrl(v.entity, v.project, v.name, v.version, path);
  const name = path.slice(path.lastIndexOf("/") + 1);
  const kind = previewKind(path, entry);
  const ref = entry.ref ? openableRef(entry.ref) : null;
  return (
    <div className="file-preview" data-testid="file-preview" data-kind={kind}>
      <div className="preview-head">
        <h2 className="preview-path" title={path}>
          {path}
        </h2>
        {!entry.ref && (
          <>
            <a className="button" href={url} download={name} data-testid="download">
              Download
            </a>
            <a className="button" href={url} target="_blank" rel="noreferrer noopener">
              Open raw
            </a>
          </>
        )}
      </div>
      <table className="kv small">
        <tbody>
          <tr>
            <th>Size</th>
            <td>
              {entry.ref && entry.size === 0 ? (
                <span className="muted">unknown (added without a checksum)</span>
              ) : (
                <>
                  {bytes(entry.size)} <span className="muted">({entry.size.toLocaleString()} bytes)</span>
                </>
              )}
            </td>
          </tr>
          {entry.ref && (
            <tr>
              <th>Reference</th>
              <td data-testid="reference">
                {ref ? (
                  <a href={ref} target="_blank" rel="noreferrer noopener">
                    {entry.ref}
                  </a>
                ) : (
                  entry.ref
                )}
              </td>
            </tr>
          )}
          <tr>
            <th>Digest</th>
            <td>
              <code>{entry.digest}</code>
            </td>
          </tr>
          {entry.mimetype && (
            <tr>
              <th>Type</th>
              <td>{entry.mimetype}</td>
            </tr>
          )}
        </tbody>
      </table>
      {kind === "reference" && <p className="muted">Tracked by reference: the bytes stay at the URI above and are not stored on this server.</p>}
      {kind === "image" && <ImagePreview url={url} name={name} />}
      {(kind === "text" || kind === "json" || kind === "csv" || kind === "tsv") && <TextLikePreview url={url} entry={entry} kind={kind} />}
      {kind === "table" && <LoggedTablePreview url={url} entry={entry} />}
      {kind === "other" && <p className="muted">No preview for this kind of file: download it to open it.</p>}
    </div>
  );
}

/** An image from the file route. A small one (a 28 px MNIST digit) is drawn at a whole multiple of
 * its size, pixels kept sharp, so it can be seen; its real size is written under it. */
function ImagePreview({ url, name }: { url: string; name: string }): React.JSX.Element {
  const [failed, setFailed] = useState(false);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  if (failed) return <p className="filter-error">The image could not be shown (not an image this browser reads?).</p>;
  const scale = size ? upscale(size.w, size.h) : 1;
  return (
    <figure className="preview-figure">
      <img
        className={`preview-image${scale > 1 ? " pixelated" : ""}`}
        src={url}
        alt={name}
        style={size && scale > 1 ? { width: size.w * scale, height: size.h * scale } : undefined}
        onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
        onError={() => setFailed(true)}
        data-testid="preview-image"
      />
      {size && (
        <figcaption className="muted">
          {size.w} × {size.h} px{scale > 1 && `, shown ${scale}×`}
        </figcaption>
      )}
    </figure>
  );
}

function TextLikePreview({ url, entry, kind }: { url: string; entry: ManifestEntry; kind: "text" | "json" | "csv" | "tsv" }): React.JSX.Element {
  const q = useQuery({ queryKey: ["artifact-file", url, "head"], queryFn: () => readHead(url, PREVIEW_BYTES, entry.size), staleTime: Infinity, retry: false });
  if (q.isPending) return <div className="loading">Loading preview…</div>;
  if (q.isError) return <p className="filter-error">Could not read the file: {(q.error as Error).message}</p>;
  if (looksBinary(q.data.bytes)) return <p className="muted">Binary file: download it to open it.</p>;
  const text = new TextDecoder().decode(q.data.bytes);
  const cut = !q.data.complete && (
    <p className="muted" data-testid="preview-truncated">
      Showing the first {bytes(q.data.bytes.length)} of {bytes(entry.size)}.
    </p>
  );
  if (kind === "csv" || kind === "tsv") {
    const csv = parseCsv(text, { delimiter: kind === "tsv" ? "\t" : ",", maxRows: TABLE_ROWS, partial: !q.data.complete });
    return (
      <>
        <PreviewTable header={csv.header} rows={csv.rows} />
        {csv.truncated && <p className="muted">Showing the first {csv.rows.length.toLocaleString()} rows.</p>}
        {cut}
      </>
    );
  }
  let shown = text;
  if (kind === "json" && q.data.complete) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      /* not valid JSON: shown as it is */
    }
  }
  return (
    <>
      <pre className="console preview-text" data-testid="preview-text">
        {shown}
      </pre>
      {cut}
    </>
  );
}

function LoggedTablePreview({ url, entry }: { url: string; entry: ManifestEntry }): React.JSX.Element {
  const tooBig = entry.size > TABLE_MAX_BYTES;
  const q = useQuery({ queryKey: ["artifact-file", url, "table"], queryFn: () => readHead(url, TABLE_MAX_BYTES, entry.size), staleTime: Infinity, retry: false, enabled: !tooBig });
  if (tooBig) return <p className="muted">This table is {bytes(entry.size)}: too large to preview here. Download it, or read it with artifact.get(name).</p>;
  if (q.isPending) return <div className="loading">Loading table…</div>;
  if (q.isError) return <p className="filter-error">Could not read the table: {(q.error as Error).message}</p>;
  let table: ReturnType<typeof tableFromJson> = null;
  try {
    table = tableFromJson(JSON.parse(new TextDecoder().decode(q.data.bytes)));
  } catch {
    table = null;
  }
  if (!table) return <p className="filter-error">This file is not a logged table (no "columns" and "data").</p>;
  return (
    <>
      <PreviewTable header={table.header} rows={table.rows.slice(0, TABLE_ROWS)} />
      <p className="muted">
        {table.rows.length.toLocaleString()} rows × {table.header.length} columns
        {table.rows.length > TABLE_ROWS && `; showing the first ${TABLE_ROWS.toLocaleString()}`}.
      </p>
    </>
  );
}

function PreviewTable({ header, rows }: { header: string[]; rows: unknown[][] }): React.JSX.Element {
  const width = Math.max(header.length, ...rows.map((r) => r.length));
  const cols = Array.from({ length: width }, (_, i) => header[i] ?? `column ${i + 1}`);
  return (
    <div className="preview-table-wrap">
      <table className="grid-table preview-table" data-testid="preview-table">
        <thead>
          <tr>
            <th className="num">#</th>
            {cols.map((c, i) => (
              <th key={i}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="num muted">{i + 1}</td>
              {cols.map((_, j) => {
                const t = cellText(r[j]);
                return (
                  <td key={j} title={t.length > 40 ? t : undefined}>
                    {t}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
