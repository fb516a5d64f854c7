/** One comment: author, when (relative, the full time on hover), "edited", its Markdown with the
 * resolved @mentions marked, and Reply / Edit / Delete as the server allows the caller. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState } from "react";
import { ago, dateTime } from "../lib/format";
import { commentsApi, commentsKey, type CommentOut, type CommentSaved, type CommentTarget } from "./api";
import { CommentComposer } from "./CommentComposer";
import { remarkMentions } from "./mentions";

const MarkdownNote = lazy(() => import("../components/panelTypes/MarkdownNote"));

export function CommentItem(props: {
  target: CommentTarget;
  comment: CommentOut;
  highlighted: boolean;
  onSaved: (answer: CommentSaved) => void;
  onReply?: () => void;
}): React.JSX.Element {
  const { target, comment: c } = props;
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const plugins = useMemo(() => [remarkMentions(c.mentions)], [c.mentions]);
  const edit = useMutation({
    mutationFn: (text: string) => commentsApi.edit(target, c.id, text),
    onSuccess: (answer) => {
      setEditing(false);
      props.onSaved(answer);
    },
  });
  const remove = useMutation({
    mutationFn: () => commentsApi.remove(target, c.id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: commentsKey(target) }),
  });
  const error = edit.error ?? remove.error;
  return (
    <article id={`comment-${c.id}`} className={`comment${c.parent_id != null ? " reply" : ""}${props.highlighted ? " highlighted" : ""}`} data-testid="comment" data-comment-id={c.id}>
      <header className="comment-head">
        <strong className="comment-author">{c.author ?? "a deleted account"}</strong>
        <time className="muted" dateTime={new Date(c.created_at * 1000).toISOString()} title={dateTime(c.created_at)}>
          {ago(c.created_at)}
        </time>
        {c.edited_at != null && (
          <span className="muted" title={`edited ${dateTime(c.edited_at)}`}>
            (edited)
          </span>
        )}
        <span className="spacer" />
        {props.onReply && (
          <button className="link" onClick={props.onReply} data-testid="comment-reply-button">
            Reply
          </button>
        )}
        {c.can_edit && !editing && (
          <button className="link" onClick={() => setEditing(true)} data-testid="comment-edit">
            Edit
          </button>
        )}
        {c.can_delete && (
          <button
            className="link danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(c.parent_id == null ? "Delete this comment and its replies?" : "Delete this reply?")) remove.mutate();
            }}
            data-testid="comment-delete"
          >
            Delete
          </button>
        )}
      </header>
      {editing ? (
        <CommentComposer target={target} initial={c.text} submitLabel="Save" busy={edit.isPending} autoFocus onSubmit={(text) => edit.mutate(text)} onCancel={() => setEditing(false)} testid="comment-editor" />
      ) : (
        <div className="comment-body">
          <Suspense fallback={<p>{c.text}</p>}>
            <MarkdownNote text={c.text} remarkPlugins={plugins} />
          </Suspense>
        </div>
      )}
      {error && <div className="filter-error">{(error as Error).message}</div>}
    </article>
  );
}
