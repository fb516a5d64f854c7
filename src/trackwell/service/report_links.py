"""Sharing a report (docs/reports.md, "Sharing"): public read-only links, and the caller a presented
link makes.

A link is ``secrets.token_urlsafe(32)`` (256 random bits), stored only as its sha256 (as API keys
are: a high-entropy token needs no slow hash) and shown once, to the writer who made it. Writers of
the project make, list and revoke links. A presented token becomes a :class:`User` with no account
(id 0) carrying a :class:`ReportLinkGrant`: the report, and the projects its *current* version's
runsets draw from, computed on every request, never cached, so a revoked link, a deleted report or a
runset moved to another project applies from the next request. ``service.access`` decides what
that caller may do.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

from trackwell.schema.errors import NotFound
from trackwell.schema.report_links import (
    PUBLIC_REPORT_PATH,
    ReportLinkCreated,
    ReportLinkList,
    ReportLinkOut,
)
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.project_access import ProjectAccess
from trackwell.store.base import Database, User
from trackwell.store.base.report_links import ReportLinkGrant, StoredReportLink

LINK_USER_ID = 0  # no account has id 0 (ids start at 1)
LINK_USERNAME = "public link"
# A use is recorded at most this often per link, so reading a report's panels (many requests) is not
# a write each.
_TOUCH_EVERY_SECONDS = 60.0


def hash_link_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _out(link: StoredReportLink) -> ReportLinkOut:
    return ReportLinkOut(
        id=link.id, created_by=link.created_by, created_at=link.created_at, last_used=link.last_used
    )


def _no_report(entity: str, project: str, report_id: str) -> NotFound:
    return NotFound(
        f"{entity}/{project} has no report {report_id!r}",
        field="report_id",
        hint="it may have been deleted; GET /api/v1/reports/{entity}/{project} lists the reports",
    )


def _unknown_link() -> NotFound:
    # Never quotes the token: it is the secret.
    return NotFound(
        "this report link does not exist or was revoked",
        field="link",
        hint="ask whoever shared it for a new link",
    )


def runset_projects(document: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """The (entity, project) of every runset of every panel grid in a stored report document."""
    return frozenset((r["entity"], r["project"]) for r in _runsets(document.get("blocks") or []))


def _runsets(blocks: list[Any]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "panel_grid":
            yield from (r for r in block.get("runsets") or [] if isinstance(r, dict))


class ReportLinkService:
    def __init__(
        self,
        db: Database,
        access: ProjectAccess | None = None,
        clock: Callable[[], float] = time.time,
        audit: AuditLog | None = None,
    ) -> None:
        self._db = db
        self._access = access or ProjectAccess()
        self._clock = clock
        self._audit = audit  # making and revoking links are security events (never the token)

    def create(self, user: User, entity: str, project: str, report_id: str) -> ReportLinkCreated:
        """A new link; the answer is the only place its token ever appears."""
        self._access.require_writer(user, entity, project)
        token = secrets.token_urlsafe(32)
        with self._db.begin() as conn:
            link = self._db.report_links.add_link(
                conn, entity, project, report_id, hash_link_token(token), user.id, self._clock()
            )
            if link is not None and self._audit is not None:
                self._audit.record(
                    AuditAction.REPORT_LINK_CREATE,
                    actor=user.username,
                    target=f"{entity}/{project}/reports/{report_id}",
                    detail={"link_id": link.id},
                    conn=conn,
                )
        if link is None:
            raise _no_report(entity, project, report_id)
        return ReportLinkCreated(**_out(link).model_dump(), token=token, path=PUBLIC_REPORT_PATH + token)

    def list_links(self, user: User, entity: str, project: str, report_id: str) -> ReportLinkList:
        self._access.require_writer(user, entity, project)
        with self._db.read() as conn:
            if self._db.reports.get_report(conn, entity, project, report_id) is None:
                raise _no_report(entity, project, report_id)
            links = self._db.report_links.list_links(conn, entity, project, report_id)
        return ReportLinkList(links=[_out(link) for link in links])

    def revoke(self, user: User, entity: str, project: str, report_id: str, link_id: int) -> None:
        """The link reads nothing from the next request on, in every server process."""
        self._access.require_writer(user, entity, project)
        with self._db.begin() as conn:
            if not self._db.report_links.delete_link(conn, entity, project, report_id, link_id):
                raise NotFound(
                    f"report {report_id!r} of {entity}/{project} has no link {link_id}",
                    field="link_id",
                    hint="GET .../links lists its links",
                )
            if self._audit is not None:
                self._audit.record(
                    AuditAction.REPORT_LINK_REVOKE,
                    actor=user.username,
                    target=f"{entity}/{project}/reports/{report_id}",
                    detail={"link_id": link_id},
                    conn=conn,
                )

    def user_for_token(self, token: str) -> User:
        """The caller a presented token makes (``NotFound`` for an unknown or revoked one)."""
        if not token or len(token) > 256:
            raise _unknown_link()
        now = self._clock()
        with self._db.read() as conn:
            link = self._db.report_links.link_for_hash(conn, hash_link_token(token))
            report = None
            if link is not None:
                report = self._db.reports.get_report(conn, link.entity, link.project, link.report_id)
        if link is None or report is None:
            raise _unknown_link()
        if link.last_used is None or now - link.last_used >= _TOUCH_EVERY_SECONDS:
            with self._db.begin() as conn:
                self._db.report_links.touch_link(conn, link.id, now)
        grant = ReportLinkGrant(
            link_id=link.id,
            entity=link.entity,
            project=link.project,
            report_id=link.report_id,
            projects=runset_projects(report.document or {}),
        )
        return User(id=LINK_USER_ID, username=LINK_USERNAME, entity=link.entity, is_admin=False, link=grant)
