/** The "Usage" code of a version: what a run writes to use it (wandb's own words work unchanged). */
import type { ArtifactVersionOut } from "./types";

/** A Python string literal (JSON's escapes are Python's, for any name the server allows). */
const py = (s: string): string => JSON.stringify(s);

export function usageSnippet(v: Pick<ArtifactVersionOut, "entity" | "project" | "name" | "version" | "type">): string {
  return [
    "import trackwell as wandb",
    "",
    `run = wandb.init(project=${py(v.project)})`,
    `artifact = run.use_artifact(${py(`${v.entity}/${v.project}/${v.name}:${v.version}`)}, type=${py(v.type)})`,
    "artifact_dir = artifact.download()",
  ].join("\n");
}
