/**
 * The comments of a report or a run: threads one reply deep, oldest first, each comment's Markdown
 * rendered as a markdown note is (raw HTML shown as text) with the @mentions the server resolved
 * highlighted; reply, edit and delete where the server says the caller may. A new comment carries a
 * client id made once per draft, so a retried POST (the network dropped the answer) never posts it
 * twice. Mentions that notified nobody are said under the box. A link to `#comment-<id>` (the
 * inbox's) scrolls to that comment and marks it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Empty } from "../components/Empty";
import { commentsApi, commentsKey, type CommentOut, type CommentSaved, type CommentTarget } from "./api";
import { CommentComposer } from "./CommentComposer";
import { CommentItem } from "./CommentItem";
import "./comments.css";

function newClientId(): string {
  return crypto.randomUUID();
}

export function CommentThread(props: { target: CommentTarget }): React.JSX.Element {
  const { target } = props;
  const qc = useQueryClient();
  const key = commentsKey(target);
  const q = useQuery({ queryKey: key, queryFn: () => commentsApi.list(target), refetchInterval: 20_000 });
  const [draftId, setDraftId] = useState(newClientId);
  const [replyTo, setReplyTo] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const saved = (answer: CommentSaved): void => {
    setNotice(answer.hint ?? null);
    void qc.invalidateQueries({ queryKey: key });
  };
  const create = useMutation({
    mutationFn: (body: { text: string; parent_id: number | null; client_id: string }) => commentsApi.create(target, body),
    retry: 2, // safe: the client id makes a repeat answer the first comment
    onSuccess: (answer) => {
      saved(answer);
      setDraftId(newClientId());
      setReplyTo(null);
    },
  });
  const threads = useMemo(() => {
    const all = q.data?.comments ?? [];
    const replies = new Map<number, CommentOut[]>();
    for (const c of all) if (c.parent_id != null) replies.set(c.parent_id, [...(replies.get(c.parent_id) ?? []), c]);
    return all.filter((c) => c.parent_id == null).map((c) => ({ root: c, replies: replies.get(c.id) ?? [] }));
  }, [q.data]);
  const [highlight, setHighlight] = useState<number | null>(null);
  useEffect(() => {
    const m = /^#comment-(\d+)$/.exec(window.location.hash);
    if (!m || !q.data) return;
    const el = document.getElementById(`comment-${m[1]}`);
    if (el) {
      el.scrollIntoView({ block: "center" });
      setHighlight(Number(m[1]));
    }
  }, [q.data]);

  if (q.isPending) return <div className="loading">Loading comments…</div>;
  if (q.isError) return <Empty title="Could not load the comments">{(q.error as Error).message}</Empty>;
  const canComment = q.data.can_comment;
  const composer = (parent: number | null): React.JSX.Element => (
    <CommentComposer
      key={`${draftId}-${parent ?? "new"}`}
      target={target}
      submitLabel={parent == null ? "Comment" : "Reply"}
      busy={create.isPending}
      autoFocus={parent != null}
      onSubmit={(text) => create.mutate({ text, parent_id: parent, client_id: draftId })}
      onCancel={parent == null ? undefined : () => setReplyTo(null)}
      testid={parent == null ? "comment-new" : "comment-reply"}
    />
  );
  return (
    <section className="comment-thread" data-testid="comments">
      <h2>
        Comments <span className="muted">({q.data.comments.length})</span>
      </h2>
      {threads.length === 0 && <p className="muted">No comments yet.{canComment ? " Start the discussion below." : ""}</p>}
      {threads.map(({ root, replies }) => (
        <div className="comment-group" key={root.id}>
          {[root, ...replies].map((c) => (
            <CommentItem key={c.id} target={target} comment={c} highlighted={highlight === c.id} onSaved={saved} onReply={canComment ? () => setReplyTo(root.id) : undefined} />
          ))}
          {replyTo === root.id && <div className="comment-reply">{composer(root.id)}</div>}
        </div>
      ))}
      {create.isError && <div className="filter-error">Could not post: {(create.error as Error).message}</div>}
      {notice && (
        <div className="comment-notice" data-testid="comment-notice">
          {notice}
        </div>
      )}
      {canComment ? composer(null) : <p className="muted">Viewers read comments; members of the team write them.</p>}
    </section>
  );
}
