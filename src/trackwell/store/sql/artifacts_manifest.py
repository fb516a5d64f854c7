"""Manifests on SQL: a version's entries (one row each) and each collection's first version per
stored digest (``birth_artifact_id``).

A manifest is written with one multi-row insert and read with one indexed range scan on the
``(version_id, path)`` primary key, joined once to the birth version for its public id: a version
of 10,000 files is one query either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.store.base.artifacts import StoredEntry
from trackwell.store.sql.artifacts_rows import batches
from trackwell.store.sql.artifacts_tables import artifact_births, artifact_entries, artifact_versions
from trackwell.store.sql.dialect import Dialect, insert

_e = artifact_entries.c
_births = artifact_versions.alias("births")


def _entry_select() -> sa.Select[Any]:
    return sa.select(
        _e.path, _e.digest, _e.size, _e.ref, _e.extra, _e.mimetype, _e.birth_id, _births.c.public_id
    ).select_from(artifact_entries.outerjoin(_births, _births.c.id == _e.birth_id))


def _entry(row: Any) -> StoredEntry:
    path, digest, size, ref, extra, mimetype, birth_pk, birth_id = row
    return StoredEntry(
        path=path,
        digest=digest,
        size=int(size),
        ref=ref,
        extra=extra or None,
        mimetype=mimetype,
        birth_pk=None if birth_pk is None else int(birth_pk),
        birth_id=birth_id,
    )


class SqlManifestStore:
    """Entries and births; mixed into ``SqlArtifactStore``."""

    _dialect: Dialect

    def put_entries(self, conn: Connection, version_pk: int, entries: Sequence[StoredEntry]) -> None:
        rows = [
            {
                "version_id": version_pk,
                "path": e.path,
                "digest": e.digest,
                "size": e.size,
                "ref": e.ref,
                "extra": e.extra or None,
                "mimetype": e.mimetype,
                "birth_id": e.birth_pk,
            }
            for e in entries
        ]
        for chunk in batches(rows, 2000):
            conn.execute(sa.insert(artifact_entries), chunk)

    def entries(self, conn: Connection, version_pk: int) -> list[StoredEntry]:
        stmt = _entry_select().where(_e.version_id == version_pk).order_by(_e.path)
        return [_entry(row) for row in conn.execute(stmt)]

    def entry(self, conn: Connection, version_pk: int, path: str) -> StoredEntry | None:
        row = conn.execute(_entry_select().where(_e.version_id == version_pk, _e.path == path)).first()
        return None if row is None else _entry(row)

    def births(self, conn: Connection, collection_pk: int, digests: Iterable[str]) -> dict[str, int]:
        b = artifact_births.c
        found: dict[str, int] = {}
        for chunk in batches(set(digests)):
            stmt = sa.select(b.digest, b.version_id).where(
                b.collection_id == collection_pk, b.digest.in_(chunk)
            )
            found.update({str(d): int(v) for d, v in conn.execute(stmt)})
        return found

    def add_births(
        self, conn: Connection, collection_pk: int, digests: Iterable[str], version_pk: int
    ) -> None:
        rows = [{"collection_id": collection_pk, "digest": d, "version_id": version_pk} for d in set(digests)]
        stmt = insert(self._dialect, artifact_births).on_conflict_do_nothing(
            index_elements=["collection_id", "digest"]
        )
        for chunk in batches(rows, 2000):
            conn.execute(stmt, chunk)
