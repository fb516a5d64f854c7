/**
 * The workspace's *Views* menu: save the workspace as a named view shared with the project, open a
 * view, and (its owner or an admin) update, rename or delete it. What a view holds and how it is
 * applied is `lib/viewSync.ts`; this is only the menu.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ago, dateTime } from "../lib/format";
import { useEscape } from "../lib/useEscape";
import type { SavedViewState } from "../lib/viewSync";
import { viewKey, viewsApi, viewsKey, type ViewOut, type ViewSummary } from "../lib/views";
import "./views.css";

type Mode = "menu" | "create" | "rename" | "delete";

export function ViewsMenu({ saved }: { saved: SavedViewState }): React.JSX.Element {
  const { entity, project, view, viewId } = saved;
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<Mode>("menu");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const queryClient = useQueryClient();
  const close = (): void => {
    setOpen(false);
    setMode("menu");
    setError(null);
  };
  const back = (): void => {
    setMode("menu");
    setError(null);
  };
  useEscape(open, close);
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) close();
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);
  const list = useQuery({ queryKey: viewsKey(entity, project), queryFn: () => viewsApi.list(entity, project), enabled: open, staleTime: 10_000 });

  // Every change goes through here: one busy flag, the server's message (naming the field) in place.
  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      close();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const refreshList = (): Promise<void> => queryClient.invalidateQueries({ queryKey: viewsKey(entity, project) });
  const create = (name: string, description: string): Promise<void> =>
    run(async () => {
      const { layout, state } = saved.current();
      const made = await viewsApi.create(entity, project, { name, description: description.trim() || null, layout, state });
      saved.saved(made);
      saved.open(made);
    });
  const overwrite = (): Promise<void> =>
    run(async () => {
      if (!view) return;
      const { layout, state } = saved.current();
      saved.saved(await viewsApi.update(entity, project, view.id, { layout, state }));
    });
  const rename = (name: string): Promise<void> =>
    run(async () => {
      if (view) saved.saved(await viewsApi.update(entity, project, view.id, { name }));
    });
  const remove = (): Promise<void> =>
    run(async () => {
      if (!view) return;
      await viewsApi.remove(entity, project, view.id);
      queryClient.removeQueries({ queryKey: viewKey(entity, project, view.id) });
      await refreshList();
      saved.leave();
    });
  const openView = (summary: ViewSummary): Promise<void> =>
    run(async () => {
      const full: ViewOut = await queryClient.fetchQuery({ queryKey: viewKey(entity, project, summary.id), queryFn: () => viewsApi.get(entity, project, summary.id), staleTime: 0 });
      saved.open(full);
    });

  const label = view ? view.name : viewId && saved.viewError ? "View not found" : "Views";
  return (
    <div className="views-menu" ref={ref}>
      <button
        onClick={() => (open ? close() : setOpen(true))}
        aria-haspopup="dialog"
        aria-expanded={open}
        data-testid="views-button"
        className={view ? "views-current" : undefined}
        title="Saved views: named layouts and settings, shared with everyone in this project"
      >
        {view ? "View: " : ""}
        {label}
        {saved.modified && (
          <span className="views-modified" data-testid="views-modified" title="Changed since the view was saved">
            {" "}
            ●
          </span>
        )}{" "}
        ▾
      </button>
      {open && (
        <div className="views-popover" role="dialog" aria-label="Saved views" data-testid="views-menu">
          {mode === "create" && <NameForm title="Save as a new view" submit="Save view" withDescription busy={busy} onSubmit={create} onCancel={back} />}
          {mode === "rename" && view && <NameForm title={`Rename “${view.name}”`} submit="Rename" initial={view.name} busy={busy} onSubmit={(name) => rename(name)} onCancel={back} />}
          {mode === "delete" && view && (
            <div className="views-form">
              <p>
                Delete <strong>{view.name}</strong> for everyone in this project?
              </p>
              <div className="views-actions">
                <button className="danger" disabled={busy} onClick={() => void remove()} data-testid="views-confirm-delete">
                  Delete view
                </button>
                <button onClick={back}>Cancel</button>
              </div>
            </div>
          )}
          {mode === "menu" && (
            <>
              {saved.viewError && (
                <p className="views-note error" role="alert">
                  This view cannot be opened: {saved.viewError}
                </p>
              )}
              {view && <CurrentView view={view} modified={saved.modified} busy={busy} onUpdate={() => void overwrite()} onRename={() => setMode("rename")} onDelete={() => setMode("delete")} />}
              <div className="views-actions">
                <button className="primary" onClick={() => setMode("create")} data-testid="views-save-new">
                  Save as new view…
                </button>
                {viewId && (
                  <button onClick={() => run(async () => saved.leave())} data-testid="views-leave">
                    My workspace
                  </button>
                )}
              </div>
              <ViewList list={list.data?.views} loading={list.isPending} failed={list.isError ? (list.error as Error).message : null} current={viewId} onOpen={(v) => void openView(v)} />
            </>
          )}
          {error && (
            <p className="views-note error" role="alert" data-testid="views-error">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function CurrentView(props: { view: ViewOut; modified: boolean; busy: boolean; onUpdate: () => void; onRename: () => void; onDelete: () => void }): React.JSX.Element {
  const { view } = props;
  return (
    <div className="views-current-box" data-testid="views-current">
      <div>
        <strong>{view.name}</strong>
        {props.modified && <span className="muted"> · unsaved changes</span>}
      </div>
      <div className="muted">
        by {view.owner ?? "a deleted user"} · updated <span title={dateTime(view.updated_at)}>{ago(view.updated_at)}</span>
      </div>
      {view.description && <div className="views-description">{view.description}</div>}
      {view.can_edit ? (
        <div className="views-actions">
          <button onClick={props.onUpdate} disabled={props.busy} data-testid="views-update" title="Save the current layout and settings into this view">
            Update view
          </button>
          <button onClick={props.onRename} data-testid="views-rename">
            Rename…
          </button>
          <button className="danger" onClick={props.onDelete} data-testid="views-delete">
            Delete…
          </button>
        </div>
      ) : (
        <p className="views-note muted">Only {view.owner ?? "an admin"} or an admin can change this view; save your changes as a new view.</p>
      )}
    </div>
  );
}

function ViewList(props: { list: ViewSummary[] | undefined; loading: boolean; failed: string | null; current: string | null; onOpen: (v: ViewSummary) => void }): React.JSX.Element {
  if (props.failed) return <p className="views-note error">Could not load the views: {props.failed}</p>;
  if (props.loading || !props.list) return <p className="views-note muted">Loading views…</p>;
  if (props.list.length === 0) return <p className="views-note muted">No saved views in this project yet.</p>;
  return (
    <ul className="views-list" aria-label="views in this project" data-testid="views-list">
      {props.list.map((v) => (
        <li key={v.id}>
          <button className="views-item" aria-current={v.id === props.current ? "true" : undefined} onClick={() => props.onOpen(v)} title={v.description ?? undefined} data-testid="view-item">
            <span className="views-item-name">{v.name}</span>
            <span className="muted">
              {v.owner ?? "deleted user"} · {ago(v.updated_at)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function NameForm(props: { title: string; submit: string; initial?: string; withDescription?: boolean; busy: boolean; onSubmit: (name: string, description: string) => void; onCancel: () => void }): React.JSX.Element {
  const [name, setName] = useState(props.initial ?? "");
  const [description, setDescription] = useState("");
  return (
    <form
      className="views-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(name, description);
      }}
    >
      <strong>{props.title}</strong>
      <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="View name" aria-label="view name" maxLength={128} data-testid="view-name" />
      {props.withDescription && <textarea value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Description (optional)" aria-label="view description" maxLength={2000} rows={2} data-testid="view-description" />}
      <div className="views-actions">
        <button type="submit" className="primary" disabled={props.busy || name.trim() === ""} data-testid="views-submit">
          {props.submit}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
