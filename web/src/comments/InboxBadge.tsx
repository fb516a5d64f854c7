/** The header's link to the inbox with the number of unread mentions (polled every 30 s). */
import { useQuery } from "@tanstack/react-query";
import { Link, paths } from "../router";
import { commentsApi, INBOX_KEY } from "./api";
import "./comments.css";

export function InboxBadge(): React.JSX.Element {
  const q = useQuery({ queryKey: [...INBOX_KEY, "count"], queryFn: () => commentsApi.inbox(0), refetchInterval: 30_000 });
  const unread = q.data?.unread ?? 0;
  return (
    <Link to={paths.inbox()} className="nav inbox-link" data-testid="inbox-badge" title={unread ? `${unread} unread mention${unread === 1 ? "" : "s"}` : "Inbox: your mentions"}>
      Inbox
      {unread > 0 && (
        <span className="badge-count" data-testid="inbox-unread">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}
