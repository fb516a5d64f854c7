/**
 * The artifact wire shapes the UI reads (schema/artifacts.py on the server), under the names the
 * pages use. They are the generated OpenAPI types, so a renamed field fails `npm run check`.
 */
import type { components } from "../api/generated/schema";

type S = components["schemas"];
export type ManifestEntry = S["ManifestEntry"];
export type ArtifactManifest = S["ArtifactManifest"];
export type RunRef = S["RunRef-Output"];
export type AliasOut = S["AliasOut"];
export type ArtifactVersionOut = S["ArtifactVersionOut"];
export type ArtifactVersionList = S["ArtifactVersionList"];
export type ArtifactVersionUpdate = S["ArtifactVersionUpdate"];
export type ArtifactCollectionOut = S["ArtifactCollectionOut"];
export type ArtifactCollectionList = S["ArtifactCollectionList"];
export type ArtifactTypeList = S["ArtifactTypeList"];
export type ArtifactUsedBy = S["ArtifactUsedBy"];
export type LineageNode = S["LineageNode"];
export type LineageEdge = S["LineageEdge"];
export type LineageGraph = S["LineageGraph"];
