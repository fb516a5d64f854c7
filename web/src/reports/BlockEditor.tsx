/**
 * The editing form of one block, by type: rich text for headings, paragraphs, callouts and list
 * items; plain text areas for code and Markdown (with a preview); the source and caption of an
 * image; the live panel grid in its editable mode.
 */
import { lazy, Suspense, useState } from "react";
import type { Block, ImageBlock, ListBlock, Span } from "./api";
import { ReportPanelGrid } from "./panels/ReportPanelGrid";
import { ImageView } from "./ReportView";
import { RichText } from "./RichText";
import { linkProblem } from "./spans";

const MarkdownNote = lazy(() => import("../components/panelTypes/MarkdownNote"));

export interface BlockEditorProps {
  block: Block;
  entity: string;
  project: string;
  onChange: (next: Block) => void;
  /** Enter at the end of a paragraph or heading: a new paragraph after it holding `after`. */
  onSplit: (after: Span[]) => void;
  autoFocus: boolean;
}

export function BlockEditor(props: BlockEditorProps): React.JSX.Element {
  const { block, onChange } = props;
  switch (block.type) {
    case "heading":
      return (
        <div className="be-row">
          <select value={block.level} aria-label="Heading level" onChange={(e) => onChange({ ...block, level: Number(e.target.value) as 1 | 2 | 3 })}>
            <option value={1}>H1</option>
            <option value={2}>H2</option>
            <option value={3}>H3</option>
          </select>
          <RichText
            label={`Heading ${block.level}`}
            className={`report-heading h${block.level}`}
            value={block.text}
            placeholder="Heading"
            focusAt={props.autoFocus ? "start" : undefined}
            onChange={(text) => onChange({ ...block, text })}
            onEnter={(_, after) => props.onSplit(after)}
          />
        </div>
      );
    case "paragraph":
    case "callout":
      return (
        <RichText
          label={block.type === "paragraph" ? "Paragraph" : "Callout"}
          className={block.type === "paragraph" ? "report-text" : "report-callout"}
          value={block.text}
          placeholder={block.type === "paragraph" ? "Write something… (Ctrl+B bold, Ctrl+I italic, Ctrl+K link)" : "A highlighted note: the hypothesis, the next step"}
          focusAt={props.autoFocus ? "start" : undefined}
          onChange={(text) => onChange({ ...block, text })}
          onEnter={block.type === "paragraph" ? (_, after) => props.onSplit(after) : undefined}
        />
      );
    case "list":
      return <ListEditor block={block} onChange={onChange} autoFocus={props.autoFocus} />;
    case "code":
      return (
        <div className="be-code">
          <input
            className="be-lang"
            value={block.language ?? ""}
            placeholder="language"
            aria-label="Code language"
            onChange={(e) => onChange({ ...block, language: e.target.value || null })}
          />
          <textarea
            className="report-code be-textarea"
            value={block.code}
            spellCheck={false}
            autoFocus={props.autoFocus}
            aria-label="Code"
            rows={Math.max(3, block.code.split("\n").length + 1)}
            onChange={(e) => onChange({ ...block, code: e.target.value })}
          />
        </div>
      );
    case "markdown":
      return <MarkdownEditor text={block.text} autoFocus={props.autoFocus} onChange={(text) => onChange({ ...block, text })} />;
    case "image":
      return <ImageEditor block={block} entity={props.entity} project={props.project} onChange={onChange} />;
    case "panel_grid":
      return <ReportPanelGrid block={block} editable onChange={onChange} />;
  }
}

function ListEditor({ block, onChange, autoFocus }: { block: ListBlock; onChange: (b: Block) => void; autoFocus: boolean }): React.JSX.Element {
  // The item that takes the caret: at its start after Enter made it, at its end after Backspace
  // removed the one after it.
  const [focus, setFocus] = useState<{ item: number; at: "start" | "end" } | null>(autoFocus ? { item: 0, at: "start" } : null);
  const [generation, setGeneration] = useState(0);
  const setItems = (items: Span[][]): void => onChange({ ...block, items });
  const L = block.ordered ? "ol" : "ul";
  return (
    <div className="be-list">
      <label className="be-ordered">
        <input type="checkbox" checked={block.ordered} onChange={(e) => onChange({ ...block, ordered: e.target.checked })} /> numbered
      </label>
      <L className="report-list">
        {block.items.map((item, i) => (
          <li key={`${generation}:${i}`}>
            <RichText
              label={`List item ${i + 1}`}
              value={item}
              placeholder="List item"
              focusAt={focus?.item === i ? focus.at : undefined}
              onChange={(text) => setItems(block.items.map((it, j) => (j === i ? text : it)))}
              onEnter={(before, after) => {
                setItems([...block.items.slice(0, i), before, after, ...block.items.slice(i + 1)]);
                setFocus({ item: i + 1, at: "start" });
                setGeneration((g) => g + 1); // draw the items again, so the new one mounts with the caret
              }}
              onEmptyBackspace={
                block.items.length > 1
                  ? () => {
                      setItems(block.items.filter((_, j) => j !== i));
                      setFocus({ item: Math.max(0, i - 1), at: "end" });
                      setGeneration((g) => g + 1);
                    }
                  : undefined
              }
            />
          </li>
        ))}
      </L>
    </div>
  );
}

function MarkdownEditor({ text, autoFocus, onChange }: { text: string; autoFocus: boolean; onChange: (t: string) => void }): React.JSX.Element {
  const [preview, setPreview] = useState(false);
  return (
    <div className="be-markdown">
      <div className="be-row">
        <button type="button" className={`chip${preview ? "" : " on"}`} onClick={() => setPreview(false)}>
          Write
        </button>
        <button type="button" className={`chip${preview ? " on" : ""}`} onClick={() => setPreview(true)}>
          Preview
        </button>
      </div>
      {preview ? (
        <div className="report-markdown">
          <Suspense fallback={null}>
            <MarkdownNote text={text} />
          </Suspense>
        </div>
      ) : (
        <textarea
          className="be-textarea"
          value={text}
          autoFocus={autoFocus}
          placeholder="Markdown (GitHub flavour: tables, task lists…)"
          aria-label="Markdown"
          rows={Math.max(4, text.split("\n").length + 1)}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
}

function ImageEditor(props: { block: ImageBlock; entity: string; project: string; onChange: (b: Block) => void }): React.JSX.Element {
  const { block, onChange } = props;
  const fromRun = block.run_file !== null && block.run_file !== undefined;
  const file = block.run_file ?? { entity: props.entity, project: props.project, run_id: "", path: "" };
  const urlProblem = !fromRun && block.url ? linkProblem(block.url) : null;
  return (
    <div className="be-image">
      <div className="be-row">
        <label>
          <input type="radio" checked={!fromRun} onChange={() => onChange({ ...block, run_file: null, url: "" })} /> Web address
        </label>
        <label>
          <input type="radio" checked={fromRun} onChange={() => onChange({ ...block, url: null, run_file: file })} /> A run's file
        </label>
      </div>
      {fromRun ? (
        <div className="be-row">
          <input value={file.run_id} placeholder="run id" aria-label="Run id" onChange={(e) => onChange({ ...block, run_file: { ...file, run_id: e.target.value } })} />
          <input className="be-grow" value={file.path} placeholder="media/images/sample_0.png" aria-label="File path in the run" onChange={(e) => onChange({ ...block, run_file: { ...file, path: e.target.value } })} />
        </div>
      ) : (
        <input className="be-grow" value={block.url ?? ""} placeholder="https://…/figure.png" aria-label="Image address" onChange={(e) => onChange({ ...block, url: e.target.value })} />
      )}
      {urlProblem && <div className="be-problem">{urlProblem}</div>}
      <input className="be-grow" value={block.caption ?? ""} placeholder="Caption (optional)" aria-label="Caption" onChange={(e) => onChange({ ...block, caption: e.target.value || null })} />
      {(fromRun ? file.run_id && file.path : block.url && !urlProblem) && <ImageView block={block} />}
    </div>
  );
}
