/**
 * Sharing a report (docs/reports.md, "Sharing"): the member link (readers of the project open it
 * signed in), and public read-only links for anyone else. A new public link's address is shown once
 * (`ShownOnce`: the server keeps only a hash of its token); the list shows who made each link and
 * when it was last used, and revokes one at once. Only writers of the project manage public links.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/client";
import { CopyButton } from "../../artifacts/common";
import { ShownOnce } from "../../components/ShownOnce";
import { ago, dateTime } from "../../lib/format";
import { useEscape } from "../../lib/useEscape";
import { paths } from "../../router";
import { linkKeys, linksApi, type ReportLinkOut } from "./linksApi";
import "./share.css";

function LinkRow({ link, onRevoke, busy }: { link: ReportLinkOut; onRevoke: () => void; busy: boolean }): React.JSX.Element {
  return (
    <li data-testid="public-link">
      <span>
        Public link #{link.id} · made by {link.created_by ?? "a former member"}{" "}
        <span title={dateTime(link.created_at)}>{ago(link.created_at)}</span> ·{" "}
        {link.last_used ? <span title={dateTime(link.last_used)}>last opened {ago(link.last_used)}</span> : "never opened"}
      </span>
      <button type="button" className="danger" disabled={busy} onClick={onRevoke} data-testid="revoke-link">
        Revoke
      </button>
    </li>
  );
}

function PublicLinks(props: { entity: string; project: string; reportId: string }): React.JSX.Element {
  const { entity, project, reportId } = props;
  const qc = useQueryClient();
  const key = linkKeys.list(entity, project, reportId);
  const links = useQuery({ queryKey: key, queryFn: () => linksApi.list(entity, project, reportId), retry: false });
  const [shown, setShown] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => linksApi.create(entity, project, reportId),
    onSuccess: (made) => {
      setShown(`${window.location.origin}${made.path}`);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: number) => linksApi.revoke(entity, project, reportId, linkId),
    onSettled: () => void qc.invalidateQueries({ queryKey: key }),
  });
  if (links.isError) {
    const refused = links.error instanceof ApiError && links.error.status === 403;
    return <p className="muted share-note">{refused ? "Only members of the project can make public links." : (links.error as Error).message}</p>;
  }
  const error = create.error ?? revoke.error;
  return (
    <>
      <p className="muted share-note">
        Anyone with a public link can read this report and the runs its panels draw from, without signing in, and change nothing. Revoke a link to turn it
        off at once.
      </p>
      {shown ? (
        <ShownOnce
          title="Public link"
          secret={shown}
          note="Copy it now: it is shown only once. Anyone holding it can read this report."
          onDone={() => setShown(null)}
        />
      ) : (
        <div>
          <button type="button" onClick={() => create.mutate()} disabled={create.isPending} data-testid="create-public-link">
            {create.isPending ? "Creating…" : "Create public link"}
          </button>
        </div>
      )}
      {error && <div className="error">{(error as Error).message}</div>}
      {links.isPending ? (
        <div className="muted">Loading links…</div>
      ) : links.data.links.length === 0 ? (
        <div className="muted share-note" data-testid="no-public-links">
          No public links.
        </div>
      ) : (
        <ul className="share-links" data-testid="public-links">
          {links.data.links.map((link) => (
            <LinkRow key={link.id} link={link} busy={revoke.isPending} onRevoke={() => revoke.mutate(link.id)} />
          ))}
        </ul>
      )}
    </>
  );
}

export function ShareDialog(props: { entity: string; project: string; reportId: string; onClose: () => void }): React.JSX.Element {
  useEscape(true, props.onClose);
  const memberLink = `${window.location.origin}${paths.report(props.entity, props.project, props.reportId)}`;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className="dialog share-dialog" role="dialog" aria-modal="true" aria-label="Share" data-testid="share-dialog">
        <h3>Share report</h3>
        <h4>Members of {props.entity}</h4>
        <div className="share-row">
          <input readOnly value={memberLink} aria-label="Member link" data-testid="member-link" onFocus={(e) => e.target.select()} />
          <CopyButton text={memberLink} />
        </div>
        <h4>Public read-only links</h4>
        <PublicLinks entity={props.entity} project={props.project} reportId={props.reportId} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
