/** The Diff tab: this version against another of the same artifact (the `other` URL parameter;
 * by default the one before it): files added, removed and changed with their sizes, and metadata
 * keys added, removed and changed with both values. */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Empty } from "../components/Empty";
import { bytes } from "../lib/files";
import { setParams, useLocation } from "../router";
import { artifactsApi, keys } from "./api";
import { ErrorState } from "./common";
import { diffManifests, diffMetadata, type FileChange, type KeyChange } from "./diff";
import type { ArtifactVersionOut } from "./types";

const show = (v: unknown): string => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

export function DiffTab({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const { entity, project, name } = v;
  const versions = useQuery({ queryKey: [...keys.collection(entity, project, name), "versions"], queryFn: () => artifactsApi.versions(entity, project, name) });
  const others = (versions.data ?? []).filter((o) => o.id !== v.id);
  const asked = useLocation().search.get("other");
  const fallback = others.find((o) => o.version_index < v.version_index) ?? others[0];
  const otherName = asked ?? fallback?.version ?? null;
  const other = useQuery({
    queryKey: keys.version(entity, project, name, otherName ?? ""),
    queryFn: () => artifactsApi.version(entity, project, name, otherName ?? ""),
    enabled: otherName !== null,
  });
  const manifestQuery = (ver: string | undefined) => ({
    queryKey: [...keys.version(entity, project, name, ver ?? ""), "manifest"],
    queryFn: () => artifactsApi.manifest(entity, project, name, ver ?? ""),
    enabled: !!ver,
    staleTime: Infinity,
  });
  const mine = useQuery(manifestQuery(v.version));
  const theirs = useQuery(manifestQuery(other.data?.version));
  const files = useMemo(() => (mine.data && theirs.data ? diffManifests(theirs.data.contents ?? {}, mine.data.contents ?? {}) : null), [mine.data, theirs.data]);
  const meta = useMemo(() => (other.data ? diffMetadata(other.data.metadata, v.metadata) : null), [other.data, v.metadata]);

  if (versions.isPending) return <div className="loading">Loading versions…</div>;
  if (versions.isError) return <ErrorState title="Could not load the versions" error={versions.error} />;
  if (others.length === 0) return <Empty title="Nothing to compare with">{name} has only this version. Log a changed version to compare the two here.</Empty>;
  return (
    <div className="artifact-diff" data-testid="artifact-diff">
      <div className="toolbar">
        <label>
          Compare {v.version} with
          <select value={other.data?.version ?? otherName ?? ""} onChange={(e) => setParams({ other: e.target.value })} data-testid="diff-other" aria-label="version to compare with">
            {others.map((o) => (
              <option key={o.id} value={o.version}>
                {o.version}
                {(o.aliases ?? []).length ? ` (${(o.aliases ?? []).map((a) => a.alias).join(", ")})` : ""}
              </option>
            ))}
          </select>
        </label>
        {other.data && (
          <span className="muted">
            Changes from {other.data.version} to {v.version}
          </span>
        )}
      </div>
      {other.isError && <ErrorState title={`Could not load ${name}:${otherName ?? ""}`} error={other.error} />}
      {(mine.isError || theirs.isError) && <ErrorState title="Could not load a file list" error={mine.error ?? theirs.error} />}
      {(!files || !meta) && !other.isError && !mine.isError && !theirs.isError && <div className="loading">Comparing…</div>}
      {files && meta && other.data && (
        <>
          <h2>Files</h2>
          <p className="muted" data-testid="diff-summary">
            {files.added.length} added, {files.removed.length} removed, {files.changed.length} changed, {files.unchanged} unchanged
          </p>
          {files.added.length + files.removed.length + files.changed.length > 0 && (
            <table className="grid-table diff-table" data-testid="diff-files">
              <thead>
                <tr>
                  <th>Change</th>
                  <th>Path</th>
                  <th className="num">{other.data.version}</th>
                  <th className="num">{v.version}</th>
                </tr>
              </thead>
              <tbody>
                {(
                  [
                    ["added", files.added],
                    ["removed", files.removed],
                    ["changed", files.changed],
                  ] as [string, FileChange[]][]
                ).flatMap(([change, list]) =>
                  list.map((f) => (
                    <tr key={`${change}:${f.path}`} data-change={change} data-path={f.path}>
                      <td>
                        <span className={`badge diff-${change}`}>{change}</span>
                      </td>
                      <td className="mono">{f.path}</td>
                      <td className="num">{f.before === undefined ? "" : bytes(f.before)}</td>
                      <td className="num">{f.after === undefined ? "" : bytes(f.after)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
          <h2>Metadata</h2>
          {meta.added.length + meta.removed.length + meta.changed.length === 0 ? (
            <p className="muted">The same metadata.</p>
          ) : (
            <table className="grid-table diff-table" data-testid="diff-metadata">
              <thead>
                <tr>
                  <th>Change</th>
                  <th>Key</th>
                  <th>{other.data.version}</th>
                  <th>{v.version}</th>
                </tr>
              </thead>
              <tbody>
                {(
                  [
                    ["added", meta.added],
                    ["removed", meta.removed],
                    ["changed", meta.changed],
                  ] as [string, KeyChange[]][]
                ).flatMap(([change, list]) =>
                  list.map((k) => (
                    <tr key={`${change}:${k.key}`} data-change={change} data-key={k.key}>
                      <td>
                        <span className={`badge diff-${change}`}>{change}</span>
                      </td>
                      <td className="mono">{k.key}</td>
                      <td className="mono">{show(k.before)}</td>
                      <td className="mono">{show(k.after)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
