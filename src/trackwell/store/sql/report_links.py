"""``ReportLinkStore`` on SQL: one row per public link of a report (migration 0016).

The report is a foreign key that cascades, so deleting a report deletes its links (SQLite runs with
its ``foreign_keys`` pragma on); the creator becomes NULL when their account is deleted and the link
keeps working until someone revokes it. Only the token's sha256 is stored, unique and indexed: a
presented token is found by one indexed lookup.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Double, ForeignKey, String, Table

from trackwell.store.base.report_links import StoredReportLink
from trackwell.store.sql.dialect import Dialect
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.reports import reports
from trackwell.store.sql.tables import Id, users

report_links = Table(
    "report_links",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("report_pk", Id, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", Double, nullable=False),
    Column("last_used", Double, nullable=True),
)

_l = report_links.c
_r = reports.c
_creators = users.alias("link_creators")


def _select() -> sa.Select[Any]:
    joined = report_links.join(reports, _r.id == _l.report_pk).outerjoin(
        _creators, _creators.c.id == _l.created_by
    )
    return sa.select(
        _l.id,
        _r.entity,
        _r.project,
        _r.public_id,
        _creators.c.username,
        _l.created_at,
        _l.last_used,
    ).select_from(joined)


def _link(row: sa.Row[Any]) -> StoredReportLink:
    return StoredReportLink(
        id=int(row.id),
        entity=row.entity,
        project=row.project,
        report_id=row.public_id,
        created_by=row.username,
        created_at=float(row.created_at),
        last_used=None if row.last_used is None else float(row.last_used),
    )


class SqlReportLinkStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    @staticmethod
    def _report(entity: str, project: str, report_id: str) -> sa.ColumnElement[bool]:
        return sa.and_(_r.entity == entity, _r.project == project, _r.public_id == report_id)

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
        pk = conn.execute(
            sa.select(_r.id).where(self._report(entity, project, report_id))
        ).scalar_one_or_none()
        if pk is None:
            return None
        link_id = conn.execute(
            sa.insert(report_links)
            .values(report_pk=pk, token_sha256=token_hash, created_by=created_by_id, created_at=now)
            .returning(_l.id)
        ).scalar_one()
        row = conn.execute(_select().where(_l.id == link_id)).one()
        return _link(row)

    def list_links(
        self, conn: Connection, entity: str, project: str, report_id: str
    ) -> list[StoredReportLink]:
        stmt = _select().where(self._report(entity, project, report_id)).order_by(_l.id.desc())
        return [_link(row) for row in conn.execute(stmt)]

    def delete_link(self, conn: Connection, entity: str, project: str, report_id: str, link_id: int) -> bool:
        of_report = sa.select(_r.id).where(self._report(entity, project, report_id)).scalar_subquery()
        done = conn.execute(sa.delete(report_links).where(_l.id == link_id, _l.report_pk == of_report))
        return bool(done.rowcount)

    def link_for_hash(self, conn: Connection, token_hash: str) -> StoredReportLink | None:
        row = conn.execute(_select().where(_l.token_sha256 == token_hash)).first()
        return None if row is None else _link(row)

    def touch_link(self, conn: Connection, link_id: int, now: float) -> None:
        conn.execute(sa.update(report_links).where(_l.id == link_id).values(last_used=now))
