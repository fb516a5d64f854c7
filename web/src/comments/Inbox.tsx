/** The inbox (`/inbox`): where you were mentioned, unread first, each linking to the comment (on a
 * run's Comments tab or under a report). Opening one marks it read; "Mark all read" clears the
 * badge in the header. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Empty } from "../components/Empty";
import { ago, dateTime } from "../lib/format";
import { Link } from "../router";
import { commentsApi, INBOX_KEY, type NotificationOut } from "./api";
import "./comments.css";

export function Inbox(): React.JSX.Element {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: [...INBOX_KEY, "list"], queryFn: () => commentsApi.inbox(200), refetchInterval: 30_000 });
  const markRead = useMutation({
    mutationFn: (ids: number[] | null) => commentsApi.markRead(ids),
    onSuccess: () => void qc.invalidateQueries({ queryKey: INBOX_KEY }),
  });
  if (q.isPending) return <div className="loading">Loading your inbox…</div>;
  if (q.isError) return <Empty title="Could not load your inbox">{(q.error as Error).message}</Empty>;
  const { notifications, unread } = q.data;
  return (
    <div className="page inbox" data-testid="inbox">
      <div className="page-head">
        <h1>
          Inbox <span className="muted">({unread} unread)</span>
        </h1>
        <span className="spacer" />
        <button disabled={unread === 0 || markRead.isPending} onClick={() => markRead.mutate(null)} data-testid="inbox-read-all">
          Mark all read
        </button>
      </div>
      {notifications.length === 0 ? (
        <Empty title="Nothing here yet">When someone mentions you with @your-name in a comment on a run or a report, it shows here.</Empty>
      ) : (
        <ul className="inbox-list">
          {notifications.map((n) => (
            <InboxItem key={n.id} n={n} onOpen={() => !n.read && markRead.mutate([n.id])} />
          ))}
        </ul>
      )}
    </div>
  );
}

function InboxItem({ n, onOpen }: { n: NotificationOut; onOpen: () => void }): React.JSX.Element {
  const where = n.target_kind === "run" ? `run ${n.target_id}` : `a report`;
  return (
    <li className={n.read ? "read" : "unread"} data-testid="inbox-item" data-read={n.read}>
      <Link to={n.link} onClick={onOpen} data-testid="inbox-link">
        <div className="inbox-line">
          {!n.read && <span className="unread-dot" aria-label="unread" />}
          <span>
            <strong>{n.author ?? "a deleted account"}</strong> mentioned you on {where} in{" "}
            <span className="inbox-project">
              {n.entity}/{n.project}
            </span>
          </span>
          <span className="spacer" />
          <time className="muted" title={dateTime(n.created_at)}>
            {ago(n.created_at)}
          </time>
        </div>
        <div className="inbox-excerpt muted">{n.excerpt}</div>
      </Link>
    </li>
  );
}
