"""``WandbUploadIndex`` on SQL: one row per (project, upload name) -> blob (store/base/wandb_uploads.py)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Double,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
)

from trackwell.store.base.wandb_uploads import WandbUpload
from trackwell.store.sql.artifacts_rows import batches
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.project_ids import ensure_project
from trackwell.store.sql.tables import SHA256_LEN, Id, entities, projects

UPLOAD_NAME_LEN = 160  # "manifest:" + wandb's 128-character client id

wandb_uploads = Table(
    "wandb_uploads",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(UPLOAD_NAME_LEN), nullable=False),
    Column("sha256", String(SHA256_LEN), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", Double, nullable=False),
    PrimaryKeyConstraint("project_id", "name"),
    Index("ix_wandb_uploads_project_id_sha256", "project_id", "sha256"),
)
_u = wandb_uploads.c


class SqlWandbUploadIndex:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def put_upload(
        self, conn: Connection, entity: str, project: str, upload: WandbUpload, now: float
    ) -> None:
        project_id = ensure_project(conn, self._dialect, entity, project, now)
        values = {"sha256": upload.sha256, "size": upload.size, "created_at": now}
        stmt = insert(self._dialect, wandb_uploads).values(project_id=project_id, name=upload.name, **values)
        conn.execute(stmt.on_conflict_do_update(index_elements=["project_id", "name"], set_=values))

    def uploads(
        self, conn: Connection, entity: str, project: str, names: Iterable[str]
    ) -> dict[str, WandbUpload]:
        found: dict[str, WandbUpload] = {}
        for batch in batches(sorted(set(names))):
            rows = conn.execute(self._select(entity, project).where(_u.name.in_(batch))).all()
            found.update({r.name: WandbUpload(r.name, r.sha256, r.size) for r in rows})
        return found

    def names_of(
        self, conn: Connection, entity: str, project: str, sha256s: Iterable[str], prefix: str
    ) -> dict[str, str]:
        found: dict[str, str] = {}
        for batch in batches(sorted(set(sha256s))):
            stmt = self._select(entity, project).where(_u.sha256.in_(batch), _u.name.startswith(prefix))
            found.update({r.sha256: r.name for r in conn.execute(stmt).all()})
        return found

    def _select(self, entity: str, project: str) -> sa.Select[tuple[str, str, int]]:
        return (
            sa.select(_u.name, _u.sha256, _u.size)
            .join(projects, projects.c.id == _u.project_id)
            .join(entities, entities.c.id == projects.c.entity_id)
            .where(entities.c.name == entity, projects.c.name == project)
        )
