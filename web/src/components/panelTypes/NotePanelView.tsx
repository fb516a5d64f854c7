/**
 * Markdown note panel: text the user writes, rendered (MarkdownNote). *Edit* (or a double click)
 * opens it in place with a Write / Preview switch; the note is saved with the layout, and one over
 * the size limit cannot be saved, saying by how much.
 */
import { lazy, Suspense, useState } from "react";
import { HEIGHT_PX, updatePanel, type MarkdownPanel } from "../../lib/layout";
import { MAX_NOTE_CHARS, noteLength, noteProblem } from "../../lib/panelTypes";
import type { PanelContext } from "../PanelLayout";
import { PanelHead } from "./PanelTypeView";

const MarkdownNote = lazy(() => import("./MarkdownNote"));

export function NoteText({ text }: { text: string }): React.JSX.Element {
  return (
    <Suspense fallback={<div className="muted">Loading…</div>}>
      <MarkdownNote text={text} />
    </Suspense>
  );
}

export function NotePanelView({ panel, ctx, tools, full }: { panel: MarkdownPanel; ctx: PanelContext; tools: React.ReactNode; full?: number | undefined }): React.JSX.Element {
  const [draft, setDraft] = useState<string | null>(null);
  const [preview, setPreview] = useState(false);
  const height = full ?? HEIGHT_PX[panel.size.height];
  const editing = draft !== null;
  const problem = editing ? noteProblem(draft) : null;
  const save = (): void => {
    if (draft === null || problem) return;
    ctx.update((l) => updatePanel(l, panel.id, (p) => (p.type === "markdown" ? { ...p, text: draft } : p)));
    setDraft(null);
  };
  const edit = (): void => {
    setDraft(panel.text);
    setPreview(false);
  };
  return (
    <div className="panel note-panel" data-testid="panel" data-panel-type="markdown">
      <PanelHead
        title={panel.title || "Note"}
        tools={
          <>
            {!editing && (
              <button className="chip" onClick={edit} data-testid="note-edit">
                Edit
              </button>
            )}
            {tools}
          </>
        }
      />
      {editing ? (
        <div className="note-editor" style={{ minHeight: height }}>
          <div className="note-tabs" role="tablist" aria-label="note editor">
            <button role="tab" aria-selected={!preview} className={`chip${preview ? "" : " on"}`} onClick={() => setPreview(false)}>
              Write
            </button>
            <button role="tab" aria-selected={preview} className={`chip${preview ? " on" : ""}`} onClick={() => setPreview(true)} data-testid="note-preview">
              Preview
            </button>
            <span className={`note-count${problem ? " over" : " muted"}`}>
              {noteLength(draft).toLocaleString("en-US")} / {MAX_NOTE_CHARS.toLocaleString("en-US")}
            </span>
          </div>
          {preview ? (
            <div className="note-text note-preview" style={{ height: height - 40 }}>
              <NoteText text={draft} />
            </div>
          ) : (
            <textarea
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) save();
                if (e.key === "Escape") setDraft(null);
              }}
              style={{ height: height - 40 }}
              aria-label="note text (Markdown)"
              aria-invalid={problem ? true : undefined}
              placeholder="Write Markdown: # headings, **bold**, lists, [links](https://…), tables, `code`"
              autoFocus
              data-testid="note-textarea"
            />
          )}
          {problem && (
            <div className="error" role="alert" data-testid="note-error">
              {problem}
            </div>
          )}
          <div className="actions">
            <button onClick={() => setDraft(null)}>Cancel</button>
            <button className="primary" onClick={save} disabled={problem !== null} data-testid="note-save" title="Save (Ctrl/⌘ + Enter)">
              Save
            </button>
          </div>
        </div>
      ) : panel.text.trim() === "" ? (
        <div className="panel-empty" style={{ height }}>
          <button className="link" onClick={edit}>
            Empty note: write something
          </button>
        </div>
      ) : (
        <div className="note-text" style={{ maxHeight: height }} onDoubleClick={edit} data-testid="note-text" title="Double-click to edit">
          <NoteText text={panel.text} />
        </div>
      )}
    </div>
  );
}
