/**
 * The report editor (`?edit=1`): title, description, draft/published, and the blocks: added with the
 * "+" between them, moved (buttons or by dragging the handle), deleted, edited in place. Ctrl/Cmd+S
 * saves a new version; leaving with unsaved changes asks first.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { Block, ReportDocument, ReportOut, Span } from "./api";
import { AddBlockMenu } from "./AddBlockMenu";
import { insertBlock, moveBlock, newBlock, removeBlock, replaceBlock, type BlockKind } from "./blocks";
import { ConflictBanner } from "./ConflictBanner";
import { EditorBlockRow, type BlockActions } from "./EditorBlockRow";
import { useLeaveGuard } from "./useLeaveGuard";
import { useReportSave } from "./useReportSave";

const docOf = (r: ReportOut): ReportDocument => ({ title: r.title, description: r.description, status: r.status, blocks: r.blocks });

interface Draft {
  doc: ReportDocument;
  /** One React key per block, moved with it, so a moved block keeps its editor's state. */
  keys: number[];
}

export function ReportEditor(props: { report: ReportOut; onDone: () => void }): React.JSX.Element {
  const { entity, project, id } = props.report;
  const nextKey = useRef(0);
  const keysFor = (n: number): number[] => Array.from({ length: n }, () => nextKey.current++);
  const [draft, setDraft] = useState<Draft>(() => ({ doc: docOf(props.report), keys: keysFor(props.report.blocks.length) }));
  const [base, setBase] = useState(props.report.version);
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(docOf(props.report)));
  const [focusKey, setFocusKey] = useState<number | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const { doc } = draft;
  const dirty = JSON.stringify(doc) !== savedJson;
  const saver = useReportSave(entity, project, id, (saved) => {
    setBase(saved.version);
    setSavedJson(JSON.stringify(docOf(saved)));
    // The server's canonical document (spans joined, empty fields dropped) becomes the draft.
    setDraft((d) => ({ doc: docOf(saved), keys: saved.blocks.length === d.keys.length ? d.keys : keysFor(saved.blocks.length) }));
    setSavedNote(`Saved as version ${saved.version}`);
  });
  useLeaveGuard(dirty);

  const save = (): void => void saver.save(doc, base);
  const latestSave = useRef(save);
  latestSave.current = save;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        latestSave.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const setDoc = (change: Partial<ReportDocument>): void => {
    setSavedNote(null);
    setDraft((d) => ({ ...d, doc: { ...d.doc, ...change } }));
  };
  // The block operations never change (they work on the newest draft), so a block's row re-renders
  // only when that block changes: typing in one paragraph does not redraw a grid's charts.
  const actions = useMemo<BlockActions>(() => {
    /** Changes blocks and their keys together, from the newest draft (two changes in one event,
     * as Enter's "shorten this block, add the next", both land). */
    const edit = (change: (blocks: Block[], keys: number[]) => [Block[], number[]]): void => {
      setSavedNote(null);
      setDraft((d) => {
        const [blocks, keys] = change(d.doc.blocks, d.keys);
        return { doc: { ...d.doc, blocks }, keys };
      });
    };
    const add = (at: number, block: Block): void => {
      const key = nextKey.current++;
      edit((blocks, keys) => [insertBlock(blocks, at, block), insertBlock(keys, at, key)]);
      setFocusKey(key);
    };
    return {
      add: (at: number, kind: BlockKind) => add(at, newBlock(kind, entity, project)),
      move: (from, to) => edit((blocks, keys) => [moveBlock(blocks, from, to), moveBlock(keys, from, to)]),
      remove: (i) => edit((blocks, keys) => [removeBlock(blocks, i), removeBlock(keys, i)]),
      change: (i, next) => edit((blocks, keys) => [replaceBlock(blocks, i, next), keys]),
      split: (i, after: Span[]) => add(i + 1, { type: "paragraph", text: after }),
    };
  }, [entity, project]);

  const { problem, conflict } = saver;
  const fieldProblem = (field: string): string | null => (problem?.field === field ? problem.message : null);
  return (
    <div className="report-editor" data-testid="report-editor" data-dirty={dirty ? "true" : "false"}>
      <div className="editor-bar">
        <label className="status-toggle" title="Drafts are work in progress; published reports are final for readers">
          <input type="checkbox" checked={doc.status === "published"} onChange={(e) => setDoc({ status: e.target.checked ? "published" : "draft" })} data-testid="status-toggle" />
          Published
        </label>
        <span className="muted" data-testid="save-state">
          {saver.saving ? "Saving…" : dirty ? `Unsaved changes (editing version ${base})` : (savedNote ?? `Version ${base}, no changes`)}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => (!dirty || window.confirm("Leave the editor? Your unsaved changes are lost.") ? props.onDone() : undefined)} data-testid="done-editing">
          {dirty ? "Discard changes" : "Done"}
        </button>
        <button type="button" className="primary" disabled={saver.saving || !dirty} onClick={save} title="Save a new version (Ctrl+S)" data-testid="save">
          Save
        </button>
      </div>
      {conflict && problem && (
        <ConflictBanner
          newest={conflict}
          onReload={() => {
            setDraft({ doc: docOf(conflict), keys: keysFor(conflict.blocks.length) });
            setBase(conflict.version);
            setSavedJson(JSON.stringify(docOf(conflict)));
            saver.clearConflict();
          }}
          onOverwrite={() => void saver.save(doc, conflict.version)}
        />
      )}
      {problem && !conflict && problem.block === null && (
        <div className="editor-problem" role="alert" data-testid="save-problem">
          Not saved: {problem.message}
        </div>
      )}
      <article className="report-doc editing">
        <input className="report-title-input" value={doc.title} placeholder="Untitled report" aria-label="Title" data-testid="title-input" maxLength={200} onChange={(e) => setDoc({ title: e.target.value })} />
        {fieldProblem("title") && <div className="be-problem">{fieldProblem("title")}</div>}
        <textarea className="report-description-input" value={doc.description} placeholder="Description: what this report answers (optional)" aria-label="Description" rows={1} maxLength={2000} onChange={(e) => setDoc({ description: e.target.value })} />
        <AddBlockMenu onAdd={(k) => actions.add(0, k)} always={doc.blocks.length === 0} />
        {doc.blocks.map((block, i) => {
          const key = draft.keys[i] ?? i;
          return (
            <EditorBlockRow
              key={key}
              block={block}
              index={i}
              count={doc.blocks.length}
              entity={entity}
              project={project}
              focus={focusKey === key}
              problem={problem?.block === i ? problem.message : null}
              dragging={dragFrom === i}
              setDragFrom={setDragFrom}
              actions={actions}
            />
          );
        })}
      </article>
    </div>
  );
}
