"""Public read-only links of reports (docs/reports.md, "Sharing"): a random token, stored only as
its sha256, that lets anyone holding it read one report and the projects its runsets draw from.

Every method works inside the caller's transaction (``conn``) and never commits. The rule of what a
link may read lives in :mod:`trackwell.service.access`; this module only stores links and the
:class:`ReportLinkGrant` a presented token resolves to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class StoredReportLink:
    """A link as its creators see it: never the token (only its hash is stored, and not returned)."""

    id: int
    entity: str
    project: str
    report_id: str
    created_by: str | None  # None once the creator's account is deleted
    created_at: float
    last_used: float | None


@dataclass(frozen=True, slots=True)
class ReportLinkGrant:
    """What a presented link lets its holder read (built per request, never cached, so a revoked
    link reads nothing from the next request on): the report, and ``projects`` ((entity, project)
    pairs) that its current version's runsets draw from."""

    link_id: int
    entity: str
    project: str
    report_id: str
    projects: frozenset[tuple[str, str]]


class ReportLinkStore(Protocol):
    def add_link(
        self,
        conn: Connection,
        entity: str,
        project: str,
        report_id: str,
        token_hash: str,
        created_by_id: int | None,
        now: float,
    ) -> StoredReportLink | None:
        """A new link of the report; None when the report does not exist."""
        ...

    def list_links(
        self, conn: Connection, entity: str, project: str, report_id: str
    ) -> list[StoredReportLink]:
        """The report's links, the newest first."""
        ...

    def delete_link(self, conn: Connection, entity: str, project: str, report_id: str, link_id: int) -> bool:
        """Revoke: False when the report has no such link."""
        ...

    def link_for_hash(self, conn: Connection, token_hash: str) -> StoredReportLink | None:
        """The link whose token hashes to ``token_hash`` (its report still existing), else None."""
        ...

    def touch_link(self, conn: Connection, link_id: int, now: float) -> None:
        """Record a use of the link."""
        ...
