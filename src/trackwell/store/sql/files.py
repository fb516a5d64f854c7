"""``FileIndex`` and ``OutputStore`` on SQL: which blob each run file points at, and console lines.

File bytes live in the blob store; the index maps a run's file path to the content's sha256, so a
re-uploaded file with the same name simply points at new content. Console lines are upserted by
line number because a carriage-return progress bar rewrites the same line many times.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.schema.records import OutputLine
from trackwell.store.base import FileEntry
from trackwell.store.base.scope import ProjectScope
from trackwell.store.sql.blob_refs import readable_blobs
from trackwell.store.sql.dialect import Dialect, upsert
from trackwell.store.sql.tables import output_lines, run_files


class SqlFileIndex:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def readable_blobs(self, conn: Connection, digests: Sequence[str], scope: ProjectScope) -> set[str]:
        return readable_blobs(conn, digests, scope)

    def put_file(self, conn: Connection, run_pk: int, entry: FileEntry) -> None:
        values = {
            "run_pk": run_pk,
            "path": entry.path,
            "sha256": entry.sha256,
            "size": entry.size,
            "updated_at": entry.updated_at,
        }
        conn.execute(upsert(self._dialect, run_files, ("run_pk", "path"), list(values)), values)

    def list_files(self, conn: Connection, run_pk: int) -> list[FileEntry]:
        stmt = sa.select(run_files).where(run_files.c.run_pk == run_pk).order_by(run_files.c.path)
        return [FileEntry(r.path, r.sha256, int(r.size), r.updated_at) for r in conn.execute(stmt)]

    def get_file(self, conn: Connection, run_pk: int, path: str) -> FileEntry | None:
        stmt = sa.select(run_files).where(run_files.c.run_pk == run_pk, run_files.c.path == path)
        r = conn.execute(stmt).first()
        return None if r is None else FileEntry(r.path, r.sha256, int(r.size), r.updated_at)


class SqlOutputStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def write_lines(self, conn: Connection, run_pk: int, lines: Sequence[OutputLine]) -> None:
        # Later writes of a line win, also within one batch: keep the last of each line number.
        latest = {line.line: line for line in lines}
        rows = [
            {
                "run_pk": run_pk,
                "line": ln.line,
                "stream": ln.stream,
                "timestamp": ln.timestamp,
                "text": ln.text,
            }
            for ln in latest.values()
        ]
        if rows:
            stmt = upsert(self._dialect, output_lines, ("run_pk", "line"), list(rows[0]))
            conn.execute(stmt, rows)

    def read_lines(
        self, conn: Connection, run_pk: int, offset: int, limit: int
    ) -> tuple[list[OutputLine], int]:
        """Lines numbered ``offset`` and up (at most ``limit``), and how many lines the run has."""
        stmt = (
            sa.select(output_lines)
            .where(output_lines.c.run_pk == run_pk, output_lines.c.line >= max(offset, 0))
            .order_by(output_lines.c.line)
            .limit(max(limit, 0))
        )
        lines = [
            OutputLine(line=int(r.line), stream=r.stream, timestamp=r.timestamp, text=r.text)
            for r in conn.execute(stmt)
        ]
        total = conn.execute(
            sa.select(sa.func.count()).select_from(output_lines).where(output_lines.c.run_pk == run_pk)
        ).scalar_one()
        return lines, int(total)
