"""Reports: live research memos of a project, every save kept as a version (``schema.reports``).

The rules: readers of the project read reports and their versions; writers create and save them;
a save names the version it was edited from and is refused (409, naming the newest version) when
someone saved since; restoring an old version saves its document as a new version; the owner (or
an admin) deletes. A version's document is at most ``MAX_REPORT_BYTES``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from trackwell.schema.errors import Conflict, NotFound, PayloadTooLarge, PermissionDenied
from trackwell.schema.reports import (
    MAX_REPORT_BYTES,
    ReportCreate,
    ReportDiff,
    ReportDocument,
    ReportList,
    ReportOut,
    ReportSave,
    ReportSummary,
    ReportVersionInfo,
    ReportVersionList,
)
from trackwell.service.project_access import ProjectAccess
from trackwell.service.reports_diff import diff_documents
from trackwell.service.short_ids import ID_TRIES, new_short_id
from trackwell.store.base import CommentTarget, Database, User
from trackwell.store.base.reports import ReportIdTaken, ReportVersionDraft, StoredReport

MAX_LIST = 1000


def report_document(document: ReportDocument) -> dict[str, Any]:
    """The document to store (only its own fields: no ``base_version``); ``PayloadTooLarge`` over
    the limit."""
    stored = ReportDocument.model_validate(document.model_dump(include=set(ReportDocument.model_fields)))
    body = stored.model_dump(mode="json")
    size = len(json.dumps(body, separators=(",", ":")).encode())
    if size > MAX_REPORT_BYTES:
        raise PayloadTooLarge(
            f"the report is {size} bytes, more than the limit of {MAX_REPORT_BYTES} bytes",
            field="blocks",
            hint="split it into two reports, or move long code and notes into run files",
        )
    return body


def _summary(report: StoredReport) -> ReportSummary:
    return ReportSummary(
        id=report.id,
        entity=report.entity,
        project=report.project,
        title=report.title,
        status=report.status,
        owner=report.owner,
        version=report.latest_version,
        created_at=report.created_at,
        updated_at=report.updated_at,
    )


def _out(report: StoredReport) -> ReportOut:
    document = ReportDocument.model_validate(report.document or {})
    return ReportOut(
        **_summary(report).model_dump(exclude={"version", "title", "status"}),
        title=document.title,
        status=document.status,
        version=report.version,
        description=document.description,
        blocks=document.blocks,
        latest_version=report.latest_version,
        author=report.author,
        version_created_at=report.version_created_at,
    )


def _not_found(entity: str, project: str, report_id: str, version: int | None = None) -> NotFound:
    if version is not None:
        return NotFound(
            f"report {report_id!r} of {entity}/{project} has no version {version}",
            field="version",
            hint="GET .../versions lists its versions",
        )
    return NotFound(
        f"{entity}/{project} has no report {report_id!r}",
        field="report_id",
        hint="it may have been deleted; GET /api/v1/reports/{entity}/{project} lists the reports",
    )


class ReportService:
    def __init__(
        self,
        db: Database,
        access: ProjectAccess | None = None,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = new_short_id,
    ) -> None:
        self._db = db
        self._access = access or ProjectAccess()
        self._clock = clock
        self._new_id = new_id

    def _draft(self, user: User, document: ReportDocument) -> ReportVersionDraft:
        return ReportVersionDraft(
            author_id=user.id,
            title=document.title,
            status=document.status,
            document=report_document(document),
            now=self._clock(),
        )

    def create(self, user: User, entity: str, project: str, body: ReportCreate) -> ReportOut:
        self._access.require_writer(user, entity, project)
        draft = self._draft(user, body)
        for _ in range(ID_TRIES):
            try:
                with self._db.begin() as conn:
                    return _out(self._db.reports.create_report(conn, entity, project, self._new_id(), draft))
            except ReportIdTaken:
                continue
        raise ReportIdTaken("could not find a free report id; try again", field="id")

    def get(
        self, user: User, entity: str, project: str, report_id: str, version: int | None = None
    ) -> ReportOut:
        self._access.require_reader(user, entity, project, report_id)
        with self._db.read() as conn:
            report = self._db.reports.get_report(conn, entity, project, report_id, version)
            if report is None and version is not None:
                exists = self._db.reports.get_report(conn, entity, project, report_id) is not None
                raise _not_found(entity, project, report_id, version if exists else None)
        if report is None:
            raise _not_found(entity, project, report_id)
        return _out(report)

    def list_reports(
        self, user: User, entity: str, project: str, search: str | None = None, limit: int = 200
    ) -> ReportList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            found = self._db.reports.list_reports(conn, entity, project, search, min(limit, MAX_LIST))
        return ReportList(reports=[_summary(r) for r in found])

    def save(self, user: User, entity: str, project: str, report_id: str, body: ReportSave) -> ReportOut:
        self._access.require_writer(user, entity, project)
        return self._save(entity, project, report_id, body.base_version, self._draft(user, body))

    def _save(
        self, entity: str, project: str, report_id: str, base_version: int, draft: ReportVersionDraft
    ) -> ReportOut:
        current: StoredReport | None = None
        with self._db.begin() as conn:
            saved = self._db.reports.add_version(conn, entity, project, report_id, base_version, draft)
            if saved is None:
                current = self._db.reports.get_report(conn, entity, project, report_id)
        if saved is not None:
            return _out(saved)
        if current is None:
            raise _not_found(entity, project, report_id)
        raise Conflict(
            f"report {report_id!r} is at version {current.latest_version} (saved by "
            f"{current.author or 'a deleted account'}); you edited version {base_version}",
            field="base_version",
            hint=f"load version {current.latest_version}, apply your changes to it and save with "
            f"base_version {current.latest_version}",
        )

    def versions(self, user: User, entity: str, project: str, report_id: str) -> ReportVersionList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            found = self._db.reports.list_versions(conn, entity, project, report_id)
        if not found:
            raise _not_found(entity, project, report_id)
        return ReportVersionList(
            versions=[
                ReportVersionInfo(
                    version=v.version,
                    author=v.author,
                    created_at=v.created_at,
                    title=v.title,
                    status=v.status,
                )
                for v in found
            ]
        )

    def diff(
        self, user: User, entity: str, project: str, report_id: str, from_version: int, to_version: int
    ) -> ReportDiff:
        old = self.get(user, entity, project, report_id, from_version)
        new = self.get(user, entity, project, report_id, to_version)
        return diff_documents(
            old.model_dump(mode="json"), new.model_dump(mode="json"), from_version, to_version
        )

    def restore(self, user: User, entity: str, project: str, report_id: str, version: int) -> ReportOut:
        """Save version ``version``'s document as the newest version (history is never rewritten)."""
        self._access.require_writer(user, entity, project)
        old = self.get(user, entity, project, report_id, version)
        document = ReportDocument.model_validate(old.model_dump(include=set(ReportDocument.model_fields)))
        return self._save(entity, project, report_id, old.latest_version, self._draft(user, document))

    def delete(self, user: User, entity: str, project: str, report_id: str) -> None:
        self._access.require_writer(user, entity, project)
        with self._db.begin() as conn:
            report = self._db.reports.get_report(conn, entity, project, report_id)
            if report is None:
                raise _not_found(entity, project, report_id)
            if not self._access.may_change_view(user, report.owner_id, entity):
                raise PermissionDenied(
                    f"only the report's owner ({report.owner or 'a deleted account'}) or an admin can "
                    f"delete {report.title!r}",
                    hint="set its status to draft, or ask its owner",
                )
            self._db.reports.delete_report(conn, entity, project, report_id)
            self._db.comments.delete_target(conn, CommentTarget(entity, project, "report", report_id))
