/**
 * One block in the editor: its controls (type, drag handle, move up/down, delete; shown on hover or
 * focus), its editing form, the server's complaint about it if any, and the "+" after it. Memoized:
 * a row draws again only when its own block or state changes.
 */
import { memo } from "react";
import type { Block, Span } from "./api";
import { AddBlockMenu } from "./AddBlockMenu";
import { BlockEditor } from "./BlockEditor";
import { blockSummary, type BlockKind } from "./blocks";

/** The editor's block operations, by index in the document; stable for the editor's lifetime. */
export interface BlockActions {
  add: (at: number, kind: BlockKind) => void;
  move: (from: number, to: number) => void;
  remove: (index: number) => void;
  change: (index: number, next: Block) => void;
  split: (index: number, after: Span[]) => void;
}

/** What a dragged block carries: its index. */
const DRAG_TYPE = "application/x-trackwell-report-block";

const BLOCK_LABELS: Record<Block["type"], string> = {
  heading: "Heading",
  paragraph: "Paragraph",
  list: "List",
  code: "Code",
  callout: "Callout",
  markdown: "Markdown",
  image: "Image",
  panel_grid: "Panel grid",
};

interface RowProps {
  block: Block;
  index: number;
  count: number;
  entity: string;
  project: string;
  /** The block was just added: it takes the cursor. */
  focus: boolean;
  problem: string | null;
  dragging: boolean;
  setDragFrom: (i: number | null) => void;
  actions: BlockActions;
}

export const EditorBlockRow = memo(function EditorBlockRow(props: RowProps): React.JSX.Element {
  const { block, index: i, actions } = props;
  return (
    <div>
      <div
        className={`be-block${props.dragging ? " dragging" : ""}${props.problem ? " invalid" : ""}`}
        data-testid="edit-block"
        data-type={block.type}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes(DRAG_TYPE)) e.preventDefault();
        }}
        onDrop={(e) => {
          const from = e.dataTransfer.getData(DRAG_TYPE);
          if (!from) return;
          e.preventDefault();
          actions.move(Number(from), i);
          props.setDragFrom(null);
        }}
      >
        <div className="be-controls">
          <span className="be-type">{BLOCK_LABELS[block.type]}</span>
          <span
            className="be-handle"
            draggable
            onDragStart={(e) => {
              // The block's place travels with the drag (not React state, which a fast drop could outrun).
              e.dataTransfer.setData(DRAG_TYPE, String(i));
              e.dataTransfer.effectAllowed = "move";
              props.setDragFrom(i);
            }}
            onDragEnd={() => props.setDragFrom(null)}
            title="Drag to move"
            aria-hidden
          >
            ⠿
          </span>
          <button type="button" className="icon" disabled={i === 0} onClick={() => actions.move(i, i - 1)} title="Move up" aria-label="Move block up">
            ↑
          </button>
          <button type="button" className="icon" disabled={i === props.count - 1} onClick={() => actions.move(i, i + 1)} title="Move down" aria-label="Move block down">
            ↓
          </button>
          <button type="button" className="icon" onClick={() => actions.remove(i)} title={`Delete (${blockSummary(block).slice(0, 60)})`} aria-label="Delete block">
            ✕
          </button>
        </div>
        <div className="be-body">
          <BlockEditor
            block={block}
            entity={props.entity}
            project={props.project}
            autoFocus={props.focus}
            onChange={(next) => actions.change(i, next)}
            onSplit={(after) => actions.split(i, after)}
          />
          {props.problem && (
            <div className="be-problem" role="alert" data-testid="block-problem">
              {props.problem}
            </div>
          )}
        </div>
      </div>
      <AddBlockMenu onAdd={(k) => actions.add(i + 1, k)} always={i === props.count - 1} />
    </div>
  );
});
