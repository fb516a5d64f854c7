"""``ReportStore`` on SQL: a row per report, a row per saved version (``report_versions``).

As with saved views, the project is addressed by name, not by a foreign key. The owner and each
version's author are foreign keys that become NULL when the account is deleted, so a report the
team relies on stays. ``reports.latest_version`` is the optimistic-concurrency check: a save
advances it from the version the writer edited in one UPDATE, which at most one writer wins.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Double, ForeignKey, Index, Integer, String, Table

from trackwell.store.base.reports import ReportIdTaken, ReportVersionDraft, StoredReport, StoredReportVersion
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, Id, Json, users
from trackwell.store.sql.text_type import NulSafeText

reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False, unique=True),
    Column("entity", String(NAME_LEN), nullable=False),
    Column("project", String(NAME_LEN), nullable=False),
    Column("owner_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("title", NulSafeText, nullable=False),
    Column("status", String(16), nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Index("ix_reports_entity_project_updated_at", "entity", "project", "updated_at"),
)

report_versions = Table(
    "report_versions",
    metadata,
    Column("report_id", Id, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("author_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", Double, nullable=False),
    Column("title", NulSafeText, nullable=False),
    Column("status", String(16), nullable=False),
    Column("document", Json, nullable=False),
)

_r = reports.c
_v = report_versions.c
_owners = users.alias("owners")
_authors = users.alias("authors")


def _select(*, documents: bool) -> sa.Select[Any]:
    columns = [
        _r.public_id,
        _r.entity,
        _r.project,
        _r.owner_id,
        _owners.c.username.label("owner"),
        _r.title,
        _r.status,
        _r.latest_version,
        _r.created_at,
        _r.updated_at,
        _v.version,
        _authors.c.username.label("author"),
        _v.created_at.label("version_created_at"),
    ]
    if documents:
        columns += [_v.title.label("version_title"), _v.status.label("version_status"), _v.document]
    joined = (
        reports.join(report_versions, _v.report_id == _r.id)
        .outerjoin(_owners, _owners.c.id == _r.owner_id)
        .outerjoin(_authors, _authors.c.id == _v.author_id)
    )
    return sa.select(*columns).select_from(joined)


def _report(row: sa.Row[Any], *, documents: bool) -> StoredReport:
    return StoredReport(
        id=row.public_id,
        entity=row.entity,
        project=row.project,
        owner_id=None if row.owner_id is None else int(row.owner_id),
        owner=row.owner,
        # A version read whole shows its own title and status; a list shows the newest's.
        title=row.version_title if documents else row.title,
        status=row.version_status if documents else row.status,
        latest_version=int(row.latest_version),
        created_at=float(row.created_at),
        updated_at=float(row.updated_at),
        version=int(row.version),
        author=row.author,
        version_created_at=float(row.version_created_at),
        document=row.document if documents else None,
    )


class SqlReportStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def _where(self, entity: str, project: str, report_id: str) -> sa.ColumnElement[bool]:
        return sa.and_(_r.entity == entity, _r.project == project, _r.public_id == report_id)

    def _insert_version(self, conn: Connection, pk: int, version: int, draft: ReportVersionDraft) -> None:
        conn.execute(
            sa.insert(report_versions).values(
                report_id=pk,
                version=version,
                author_id=draft.author_id,
                created_at=draft.now,
                title=draft.title,
                status=draft.status,
                document=draft.document,
            )
        )

    def create_report(
        self, conn: Connection, entity: str, project: str, report_id: str, first: ReportVersionDraft
    ) -> StoredReport:
        values = {
            "public_id": report_id,
            "entity": entity,
            "project": project,
            "owner_id": first.author_id,
            "title": first.title,
            "status": first.status,
            "latest_version": 1,
            "created_at": first.now,
            "updated_at": first.now,
        }
        # ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed statement
        # would abort the caller's transaction.
        stmt = insert(self._dialect, reports).values(**values).on_conflict_do_nothing()
        pk = conn.execute(stmt.returning(_r.id)).scalar_one_or_none()
        if pk is None:
            raise ReportIdTaken(f"report id {report_id} is taken", field="id")
        self._insert_version(conn, int(pk), 1, first)
        made = self.get_report(conn, entity, project, report_id)
        assert made is not None
        return made

    def get_report(
        self, conn: Connection, entity: str, project: str, report_id: str, version: int | None = None
    ) -> StoredReport | None:
        wanted = _r.latest_version if version is None else sa.literal(version)
        stmt = _select(documents=True).where(self._where(entity, project, report_id), _v.version == wanted)
        row = conn.execute(stmt).first()
        return None if row is None else _report(row, documents=True)

    def list_reports(
        self, conn: Connection, entity: str, project: str, search: str | None, limit: int
    ) -> list[StoredReport]:
        stmt = _select(documents=False).where(
            _r.entity == entity, _r.project == project, _v.version == _r.latest_version
        )
        if search:
            stmt = stmt.where(sa.func.lower(_r.title).contains(search.lower(), autoescape=True))
        stmt = stmt.order_by(_r.updated_at.desc(), _r.id.desc()).limit(limit)
        return [_report(row, documents=False) for row in conn.execute(stmt)]

    def add_version(
        self,
        conn: Connection,
        entity: str,
        project: str,
        report_id: str,
        base_version: int,
        draft: ReportVersionDraft,
    ) -> StoredReport | None:
        stmt = (
            sa.update(reports)
            .where(self._where(entity, project, report_id), _r.latest_version == base_version)
            .values(
                latest_version=base_version + 1, title=draft.title, status=draft.status, updated_at=draft.now
            )
            .returning(_r.id)
        )
        pk = conn.execute(stmt).scalar_one_or_none()
        if pk is None:
            return None
        self._insert_version(conn, int(pk), base_version + 1, draft)
        return self.get_report(conn, entity, project, report_id)

    def list_versions(
        self, conn: Connection, entity: str, project: str, report_id: str
    ) -> list[StoredReportVersion]:
        stmt = (
            sa.select(_v.version, _authors.c.username, _v.created_at, _v.title, _v.status)
            .select_from(
                reports.join(report_versions, _v.report_id == _r.id).outerjoin(
                    _authors, _authors.c.id == _v.author_id
                )
            )
            .where(self._where(entity, project, report_id))
            .order_by(_v.version.desc())
        )
        return [
            StoredReportVersion(
                version=int(row.version),
                author=row.username,
                created_at=float(row.created_at),
                title=row.title,
                status=row.status,
            )
            for row in conn.execute(stmt)
        ]

    def delete_report(self, conn: Connection, entity: str, project: str, report_id: str) -> bool:
        pk = conn.execute(
            sa.select(_r.id).where(self._where(entity, project, report_id))
        ).scalar_one_or_none()
        if pk is None:
            return False
        # The versions first: SQLite enforces ON DELETE CASCADE only with its foreign_keys pragma.
        conn.execute(sa.delete(report_versions).where(_v.report_id == pk))
        conn.execute(sa.delete(reports).where(_r.id == pk))
        return True
