/**
 * The artifact routes of the server (docs/artifacts.md), with the query keys the pages share. Every
 * name in a path is percent-encoded segment by segment: a collection, alias or file name is shown
 * and requested exactly as stored, whatever characters it holds.
 */
import { request } from "../api/client";
import type {
  ArtifactCollectionList,
  ArtifactCollectionOut,
  ArtifactManifest,
  ArtifactTypeList,
  ArtifactUsedBy,
  ArtifactVersionList,
  ArtifactVersionOut,
  ArtifactVersionUpdate,
  LineageGraph,
} from "./types";

const enc = encodeURIComponent;
const PAGE = 500;

export const projectPath = (e: string, p: string): string => `/api/v1/artifacts/${enc(e)}/${enc(p)}`;
export const collectionPath = (e: string, p: string, name: string): string => `${projectPath(e, p)}/collections/${enc(name)}`;
export const versionPath = (e: string, p: string, name: string, v: string): string => `${collectionPath(e, p, name)}/versions/${enc(v)}`;

/** Where one file of a version is served (the preview's <img>, the download links). */
export function fileUrl(e: string, p: string, name: string, v: string, path: string): string {
  return `${versionPath(e, p, name, v)}/files/${path.split("/").map(enc).join("/")}`;
}

async function pages<T>(fetchPage: (offset: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await fetchPage(offset);
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.total) return out;
  }
}

export const artifactsApi = {
  types: (e: string, p: string) => request<ArtifactTypeList>("GET", `${projectPath(e, p)}/types`),
  /** Every collection of a project (pages of 500). */
  collections: (e: string, p: string) =>
    pages<ArtifactCollectionOut>(async (offset) => {
      const page = await request<ArtifactCollectionList>("GET", `${projectPath(e, p)}/collections?limit=${PAGE}&offset=${offset}`);
      return { items: page.collections, total: page.total };
    }),
  collection: (e: string, p: string, name: string) => request<ArtifactCollectionOut>("GET", collectionPath(e, p, name)),
  /** Every version of a collection, newest first. */
  versions: (e: string, p: string, name: string) =>
    pages<ArtifactVersionOut>(async (offset) => {
      const page = await request<ArtifactVersionList>("GET", `${collectionPath(e, p, name)}/versions?limit=${PAGE}&offset=${offset}`);
      return { items: page.versions, total: page.total };
    }),
  version: (e: string, p: string, name: string, v: string) => request<ArtifactVersionOut>("GET", versionPath(e, p, name, v)),
  manifest: (e: string, p: string, name: string, v: string) => request<ArtifactManifest>("GET", `${versionPath(e, p, name, v)}/manifest`),
  usedBy: (e: string, p: string, name: string, v: string) => request<ArtifactUsedBy>("GET", `${versionPath(e, p, name, v)}/used-by`),
  lineage: (e: string, p: string, name: string, v: string, depth: number) => request<LineageGraph>("GET", `${versionPath(e, p, name, v)}/lineage?depth=${depth}`),
  update: (e: string, p: string, name: string, v: string, body: ArtifactVersionUpdate) => request<ArtifactVersionOut>("PATCH", versionPath(e, p, name, v), body),
  runArtifacts: (e: string, p: string, runId: string, direction: "logged" | "used") =>
    request<ArtifactVersionList>("GET", `/api/v1/runs/${enc(e)}/${enc(p)}/${enc(runId)}/artifacts?direction=${direction}`),
};

/** Query keys: one prefix per collection, so an edit refreshes every view of it at once. */
export const keys = {
  project: (e: string, p: string) => ["artifacts", e, p] as const,
  collection: (e: string, p: string, name: string) => ["artifacts", e, p, name] as const,
  version: (e: string, p: string, name: string, v: string) => ["artifacts", e, p, name, "v", v] as const,
};
