/**
 * The text box of a new comment, a reply or an edit: Markdown, with an @-autocomplete over the
 * people who may read the project (GET .../mentionable, filtered by what is typed after "@"):
 * arrow keys move, Enter or Tab picks, Escape closes. Ctrl/Cmd+Enter submits. Shows the length once
 * it nears the server's limit.
 */
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { noteLength } from "../lib/panelTypes";
import { commentsApi, MAX_COMMENT_CHARS, type CommentTarget } from "./api";
import { insertMention, mentionAt } from "./mentions";

export function CommentComposer(props: {
  target: CommentTarget;
  initial?: string;
  submitLabel: string;
  busy: boolean;
  autoFocus?: boolean;
  onSubmit: (text: string) => void;
  onCancel?: () => void;
  testid: string;
}): React.JSX.Element {
  const { target } = props;
  const [text, setText] = useState(props.initial ?? "");
  const [caret, setCaret] = useState(0);
  const [picked, setPicked] = useState(0);
  const [closed, setClosed] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const at = closed ? null : mentionAt(text, caret);
  const people = useQuery({
    queryKey: ["mentionable", target.entity, target.project, at?.prefix ?? ""],
    queryFn: () => commentsApi.mentionable(target, at?.prefix ?? ""),
    enabled: at !== null,
    staleTime: 60_000,
  });
  const options = at ? (people.data?.users ?? []) : [];
  const length = noteLength(text);
  const tooLong = length > MAX_COMMENT_CHARS;

  const pick = (username: string): void => {
    const next = insertMention(text, caret, username);
    setText(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => box.current?.setSelectionRange(next.caret, next.caret));
    box.current?.focus();
  };
  const submit = (): void => {
    if (text.trim() && !tooLong && !props.busy) props.onSubmit(text);
  };
  const onKey = (e: React.KeyboardEvent<HTMLTextAreaElement>): void => {
    if (options.length > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setPicked((p) => (p + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(options[Math.min(picked, options.length - 1)]?.username ?? "");
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setClosed(true);
        return;
      }
    }
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape" && props.onCancel) props.onCancel();
  };
  return (
    <div className="comment-composer" data-testid={props.testid}>
      <textarea
        ref={box}
        value={text}
        rows={3}
        autoFocus={props.autoFocus}
        placeholder="Write a comment… Markdown works; @ mentions a colleague"
        aria-label="comment text"
        onChange={(e) => {
          setText(e.target.value);
          setCaret(e.target.selectionStart);
          setPicked(0);
          setClosed(false);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKey}
      />
      {options.length > 0 && (
        <ul className="mention-options" role="listbox" data-testid="mention-options">
          {options.map((u, i) => (
            <li
              key={u.username}
              role="option"
              aria-selected={i === picked}
              className={i === picked ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the text box's focus and caret
                pick(u.username);
              }}
            >
              <strong>@{u.username}</strong> {u.display_name && <span className="muted">{u.display_name}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="comment-composer-actions">
        {length > MAX_COMMENT_CHARS * 0.9 && (
          <span className={tooLong ? "filter-error" : "muted"}>
            {length.toLocaleString("en-US")} / {MAX_COMMENT_CHARS.toLocaleString("en-US")}
            {tooLong && " characters: shorten it or split it into two comments"}
          </span>
        )}
        <span className="spacer" />
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="button" className="primary" disabled={!text.trim() || tooLong || props.busy} onClick={submit} data-testid={`${props.testid}-submit`}>
          {props.submitLabel}
        </button>
      </div>
    </div>
  );
}
