"""Reports and their versions (``schema.reports``): every save of a report is kept.

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.errors import Conflict


class ReportIdTaken(Conflict):
    """Another report got the same random id first; create it again with a new id."""


@dataclass(frozen=True, slots=True)
class ReportVersionDraft:
    """A version to store: its document (validated JSON), title and status copied out of it for
    the project's list and search."""

    author_id: int
    title: str
    status: str
    document: dict[str, Any]
    now: float


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report as of one version (``version``); ``document`` is None in lists."""

    id: str
    entity: str
    project: str
    owner_id: int | None  # who created it; None once the account is deleted
    owner: str | None
    title: str
    status: str
    latest_version: int
    created_at: float
    updated_at: float
    version: int
    author: str | None
    version_created_at: float
    document: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class StoredReportVersion:
    version: int
    author: str | None
    created_at: float
    title: str
    status: str


class ReportStore(Protocol):
    """Reports addressed by (entity, project, id), with numbered versions from 1."""

    def create_report(
        self, conn: Connection, entity: str, project: str, report_id: str, first: ReportVersionDraft
    ) -> StoredReport:
        """The report with ``first`` as version 1, owned by its author. Raises
        :class:`ReportIdTaken` when the id is in use (the transaction stays usable)."""

    def get_report(
        self, conn: Connection, entity: str, project: str, report_id: str, version: int | None = None
    ) -> StoredReport | None:
        """The report as of ``version`` (None: the newest); None when either does not exist."""

    def list_reports(
        self, conn: Connection, entity: str, project: str, search: str | None, limit: int
    ) -> list[StoredReport]:
        """Newest saves first, without documents; ``search``: titles containing it, any case."""

    def add_version(
        self,
        conn: Connection,
        entity: str,
        project: str,
        report_id: str,
        base_version: int,
        draft: ReportVersionDraft,
    ) -> StoredReport | None:
        """Store ``draft`` as version ``base_version + 1`` if ``base_version`` is still the newest
        (checked and advanced in one statement, so two writers cannot both succeed); None when it
        is not, or when there is no such report."""

    def list_versions(
        self, conn: Connection, entity: str, project: str, report_id: str
    ) -> list[StoredReportVersion]:
        """Newest first; empty when there is no such report."""

    def delete_report(self, conn: Connection, entity: str, project: str, report_id: str) -> bool:
        """Remove it and its versions; False when there was none."""
