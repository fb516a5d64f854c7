/** Editing a version's aliases, tags and description (PATCH of the version, as `artifact.save()`).
 * The server owns the rules (alias names, protected aliases): what it refuses is shown in its words,
 * and the page shows what the server answered, never a guess of it. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { artifactsApi } from "./api";
import { LockIcon } from "./icons";
import type { ArtifactVersionOut, ArtifactVersionUpdate } from "./types";

function useUpdate(v: ArtifactVersionOut) {
  const qc = useQueryClient();
  return useMutation({
    // By version name: an alias in the address ("production") may be the very thing being moved.
    mutationFn: (body: ArtifactVersionUpdate) => artifactsApi.update(v.entity, v.project, v.name, v.version, body),
    onSuccess: () => {
      // Aliases move between versions and show on the project, collection and run pages: refresh all.
      void qc.invalidateQueries({ queryKey: ["artifacts", v.entity, v.project] });
      void qc.invalidateQueries({ queryKey: ["run-artifacts", v.entity, v.project] });
    },
  });
}

function Problem({ error, testid }: { error: Error | null; testid: string }): React.JSX.Element | null {
  if (!error) return null;
  return (
    <p className="filter-error" role="alert" data-testid={testid}>
      {error.message}
    </p>
  );
}

/** Chips with a remove button each, and a box to add one: aliases and tags alike. */
function ChipEditor(props: {
  kind: "alias" | "tag";
  fixed: { name: string; title: string }[];
  items: { name: string; locked?: boolean }[];
  busy: boolean;
  onChange: (next: string[]) => void;
}): React.JSX.Element {
  const { kind, fixed, items, busy, onChange } = props;
  const [draft, setDraft] = useState("");
  const names = items.map((i) => i.name);
  const add = (): void => {
    const name = draft.trim();
    if (!name) return;
    setDraft("");
    if (!names.includes(name)) onChange([...names, name]);
  };
  return (
    <div className="chip-editor" data-testid={`${kind}-editor`}>
      {fixed.map((f) => (
        <span key={f.name} className={`${kind === "alias" ? "alias-chip" : "tag"} latest`} title={f.title} data-testid={kind}>
          {f.name}
        </span>
      ))}
      {items.map((i) => (
        <span key={i.name} className={kind === "alias" ? "alias-chip" : "tag"} data-testid={kind} title={i.locked ? "Protected: only an admin can move it" : undefined}>
          {i.locked && <LockIcon />}
          {i.name}
          <button type="button" className="chip-x" disabled={busy} onClick={() => onChange(names.filter((n) => n !== i.name))} aria-label={`remove ${kind} ${i.name}`}>
            ×
          </button>
        </span>
      ))}
      <form
        className="chip-add"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={kind === "alias" ? "add alias (e.g. production)" : "add tag"} aria-label={`add ${kind}`} data-testid={`${kind}-input`} />
        <button type="submit" disabled={busy || !draft.trim()}>
          Add
        </button>
      </form>
    </div>
  );
}

export function EditAliases({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const save = useUpdate(v);
  const all = v.aliases ?? [];
  // `latest` is the server's: it follows the newest version and is never sent back.
  const fixed = all.filter((a) => a.alias === "latest").map((a) => ({ name: a.alias, title: "Managed by the server: the newest version" }));
  const items = all.filter((a) => a.alias !== "latest").map((a) => ({ name: a.alias, locked: !!a.protected }));
  return (
    <>
      <ChipEditor kind="alias" fixed={fixed} items={items} busy={save.isPending} onChange={(aliases) => save.mutate({ aliases })} />
      <Problem error={save.error} testid="alias-error" />
    </>
  );
}

export function EditTags({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const save = useUpdate(v);
  return (
    <>
      <ChipEditor kind="tag" fixed={[]} items={(v.tags ?? []).map((t) => ({ name: t }))} busy={save.isPending} onChange={(tags) => save.mutate({ tags })} />
      <Problem error={save.error} testid="tag-error" />
    </>
  );
}

export function EditDescription({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const save = useUpdate(v);
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null)
    return (
      <div className="description-view">
        {v.description ? <p className="description" data-testid="description">{v.description}</p> : <span className="muted">No description.</span>}{" "}
        <button type="button" className="link" onClick={() => setDraft(v.description ?? "")} data-testid="edit-description">
          Edit
        </button>
        <Problem error={save.error} testid="description-error" />
      </div>
    );
  return (
    <form
      className="description-edit"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ description: draft }, { onSuccess: () => setDraft(null) });
      }}
    >
      <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={4} aria-label="description" data-testid="description-input" />
      <div className="toolbar">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
      <Problem error={save.error} testid="description-error" />
    </form>
  );
}
