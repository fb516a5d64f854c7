/**
 * A rich text field of the report editor: a contentEditable surface over a list of spans. Ctrl/Cmd+B
 * bold, +I italic, +E inline code, +K link (or the small toolbar shown while the field has focus);
 * pasting inserts plain text. Every change is made on the spans (spans.ts) and drawn again, so what
 * is saved is exactly what the reader sees.
 */
import { useLayoutEffect, useRef, useState } from "react";
import type { Span } from "./api";
import { readSpans, renderSpans, selectOffsets, selectionOffsets } from "./richTextDom";
import { hasMark, linkAt, linkProblem, replaceText, setLink, splitSpans, toggleMark, type Mark } from "./spans";

export interface RichTextProps {
  value: Span[];
  onChange: (next: Span[]) => void;
  /** Enter pressed at `before`|`after` (a list's next item); without it Enter is a line break. */
  onEnter?: (before: Span[], after: Span[]) => void;
  /** Backspace at the start of an empty field (a list item goes away). */
  onEmptyBackspace?: () => void;
  placeholder?: string;
  /** Takes the cursor when it mounts, at the text's start (the text after an Enter) or end. */
  focusAt?: "start" | "end";
  className?: string;
  label: string;
  testId?: string;
}

const SHORTCUT_MARKS: Record<string, Mark> = { b: "bold", i: "italic", e: "code" };

export function RichText(props: RichTextProps): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const drawn = useRef<string | null>(null);
  const [focused, setFocused] = useState(false);
  const [linkBox, setLinkBox] = useState<{ start: number; end: number; url: string; problem: string | null } | null>(null);
  const { value, onChange } = props;

  useLayoutEffect(() => {
    const el = ref.current;
    const json = JSON.stringify(value);
    if (!el || json === drawn.current) return;
    drawn.current = json;
    renderSpans(el, value);
  }, [value]);

  useLayoutEffect(() => {
    if (props.focusAt && ref.current) {
      ref.current.focus();
      const at = props.focusAt === "start" ? 0 : Number.MAX_SAFE_INTEGER;
      selectOffsets(ref.current, at, at);
    }
    // Only on mount: a new list item or block takes the caret once.
  }, []);

  /** Draws `next`, reports it, and puts the selection back. */
  const apply = (next: Span[], start: number, end = start): void => {
    const el = ref.current;
    if (!el) return;
    drawn.current = JSON.stringify(next);
    renderSpans(el, next);
    onChange(next);
    if (el.ownerDocument.activeElement === el) selectOffsets(el, start, end);
  };

  const mark = (m: Mark): void => {
    const sel = ref.current && selectionOffsets(ref.current);
    if (!sel || sel.start === sel.end) return;
    apply(toggleMark(value, sel.start, sel.end, m), sel.start, sel.end);
  };

  const openLink = (): void => {
    const sel = ref.current && selectionOffsets(ref.current);
    if (!sel) return;
    setLinkBox({ ...sel, url: linkAt(value, sel.start, sel.end) ?? "https://", problem: null });
  };

  const applyLink = (url: string | null): void => {
    if (!linkBox) return;
    const { start, end } = linkBox;
    if (url !== null) {
      const problem = linkProblem(url);
      if (problem) {
        setLinkBox({ ...linkBox, url, problem });
        return;
      }
      url = url.trim();
    }
    setLinkBox(null);
    ref.current?.focus();
    if (start === end && url) {
      // Nothing selected: the address itself goes in as linked text.
      apply(setLink(replaceText(value, start, end, url), start, start + url.length, url), start + url.length);
    } else {
      apply(setLink(value, start, end, url), start, end);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    const el = ref.current;
    if (!el) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && !e.altKey && SHORTCUT_MARKS[key]) {
      e.preventDefault();
      mark(SHORTCUT_MARKS[key]);
    } else if (mod && key === "k") {
      e.preventDefault();
      openLink();
    } else if (e.key === "Enter") {
      e.preventDefault();
      const sel = selectionOffsets(el);
      if (!sel) return;
      if (props.onEnter && !e.shiftKey) {
        const [before, after] = splitSpans(replaceText(value, sel.start, sel.end, ""), sel.start);
        apply(before, sel.start);
        props.onEnter(before, after);
      } else {
        apply(replaceText(value, sel.start, sel.end, "\n"), sel.start + 1);
      }
    } else if (e.key === "Backspace" && value.length === 0 && props.onEmptyBackspace) {
      e.preventDefault();
      props.onEmptyBackspace();
    }
  };

  const onPaste = (e: React.ClipboardEvent<HTMLDivElement>): void => {
    e.preventDefault();
    const el = ref.current;
    const sel = el && selectionOffsets(el);
    const text = e.clipboardData.getData("text/plain").replace(/\r\n?/g, "\n");
    if (!sel || !text) return;
    apply(replaceText(value, sel.start, sel.end, text), sel.start + text.length);
  };

  const sel = focused && ref.current ? selectionOffsets(ref.current) : null;
  const pressed = (m: Mark): boolean => !!sel && sel.start < sel.end && hasMark(value, sel.start, sel.end, m);
  const tool = (m: Mark, label: string, title: string): React.JSX.Element => (
    <button type="button" className={`rt-tool rt-${m}${pressed(m) ? " on" : ""}`} title={title} aria-label={title} onMouseDown={(e) => e.preventDefault()} onClick={() => mark(m)}>
      {label}
    </button>
  );
  return (
    <div
      className={`rich-text${focused ? " focused" : ""}`}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
      }}
    >
      {(focused || linkBox) && (
        <div className="rt-toolbar" role="toolbar" aria-label={`${props.label} formatting`}>
          {tool("bold", "B", "Bold (Ctrl+B)")}
          {tool("italic", "I", "Italic (Ctrl+I)")}
          {tool("code", "</>", "Inline code (Ctrl+E)")}
          <button type="button" className="rt-tool rt-link" title="Link (Ctrl+K)" aria-label="Link (Ctrl+K)" onMouseDown={(e) => e.preventDefault()} onClick={openLink}>
            Link
          </button>
        </div>
      )}
      <div
        ref={ref}
        className={`rt-surface ${props.className ?? ""}`}
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline
        aria-label={props.label}
        data-placeholder={props.placeholder}
        data-empty={value.length === 0 ? "" : undefined}
        data-testid={props.testId}
        spellCheck
        onInput={(e) => {
          const next = readSpans(e.currentTarget);
          drawn.current = JSON.stringify(next);
          onChange(next);
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      {linkBox && (
        <form
          className="rt-linkbox"
          onSubmit={(e) => {
            e.preventDefault();
            applyLink(linkBox.url);
          }}
        >
          <input
            autoFocus
            value={linkBox.url}
            aria-label="Link address"
            data-testid="link-url"
            onChange={(e) => setLinkBox({ ...linkBox, url: e.target.value, problem: null })}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                setLinkBox(null);
                ref.current?.focus();
              }
            }}
          />
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" onClick={() => applyLink(null)}>
            Remove link
          </button>
          {linkBox.problem && (
            <span className="rt-problem" role="alert">
              {linkBox.problem}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
