"""Metric history: how logged values become series, and the reads charts and exports make.

Nested dicts are flattened with '.' on the way in so each leaf is one plottable series (wandb shows
``{"a": {"b": 1}}`` as ``a.b``), and each such key's path is stored with it, so reads give back
``{"a": {"b": 1}}`` nested and ``{"a.b": 1}`` flat (``schema.nesting``). A dict carrying ``_type``
is a media or table reference, one value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.history import HistoryKeys, HistoryRows, ProjectHistoryKeys, SeriesResponse
from trackwell.schema.nesting import flatten
from trackwell.service.history_arrow import Compression, frame_to_ipc
from trackwell.service.runs import run_not_found
from trackwell.store.base import Database, RunKey, SeriesQuery, StoredRun

Stream = Literal["history", "system"]
MAX_SERIES_KEYS = 100
MAX_ROWS = 10_000
MAX_FRAME_ROWS = 1_000_000  # rows per columnar page (the store caps it further for wide runs)


def flatten_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """``{"a": {"b": 1}, "c": 2}`` -> ``{"a.b": 1, "c": 2}``; media references stay whole (config
    and summary leaves for parameter importance; history rows keep their paths, ``flatten``)."""
    return flatten(values)[0]


class HistoryService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def project_keys(self, entity: str, project: str, stream: Stream = "history") -> ProjectHistoryKeys:
        """Every key the project's runs logged, from per-key counters: the workspace charts these
        (a run's summary is no guide: ``define_metric(summary="min")`` turns it into a dict)."""
        with self._db.read() as conn:
            pks = self._db.runs.project_run_pks(conn, entity, project)
            if not pks:
                raise NotFound(
                    f"project {entity}/{project} has no runs",
                    hint="check the entity and project names, or log a run to it first",
                )
            keys = self._db.history.keys_of_runs(conn, pks, stream)
        return ProjectHistoryKeys(keys=keys, runs=len(pks))

    def keys(self, key: RunKey, stream: Stream = "history") -> HistoryKeys:
        with self._db.read() as conn:
            stored = self._require(conn, key)
            return self._db.history.keys(conn, stored.pk, stream)

    def series(
        self,
        key: RunKey,
        keys: Sequence[str],
        min_step: int | None = None,
        max_step: int | None = None,
        samples: int = 1000,
        stream: Stream = "history",
    ) -> SeriesResponse:
        """Columnar series for charts; ``samples=0`` returns every point."""
        if not keys:
            raise InvalidArgument("keys is empty", field="keys", hint="pass keys=loss,acc")
        if len(keys) > MAX_SERIES_KEYS:
            raise InvalidArgument(
                f"at most {MAX_SERIES_KEYS} keys per request, got {len(keys)}",
                field="keys",
                hint="split the keys over several requests",
            )
        if samples < 0:
            raise InvalidArgument(f"samples must be >= 0, got {samples}", field="samples")
        query = SeriesQuery(
            keys=list(keys),
            min_step=min_step,
            max_step=max_step,
            samples=samples or None,
            stream=stream,
        )
        with self._db.read() as conn:
            stored = self._require(conn, key)
            series = self._db.history.series(conn, stored.pk, query)
        return SeriesResponse(run_id=key.run_id, series=series, last_step=stored.run.last_step)

    def rows(
        self,
        key: RunKey,
        keys: Sequence[str] | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
        limit: int = 1000,
        stream: Stream = "history",
    ) -> HistoryRows:
        if not 1 <= limit <= MAX_ROWS:
            raise InvalidArgument(f"limit must be between 1 and {MAX_ROWS}, got {limit}", field="limit")
        with self._db.read() as conn:
            stored = self._require(conn, key)
            return self._db.history.rows(conn, stored.pk, keys or None, min_step, max_step, limit, stream)

    def arrow(
        self,
        key: RunKey,
        keys: Sequence[str] | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
        limit: int = MAX_FRAME_ROWS,
        stream: Stream = "history",
        compression: Compression = "none",
    ) -> bytes:
        """A page of full-resolution rows as an Arrow IPC stream (``service.history_arrow``)."""
        if not 1 <= limit <= MAX_FRAME_ROWS:
            raise InvalidArgument(
                f"limit must be between 1 and {MAX_FRAME_ROWS}, got {limit}",
                field="limit",
                hint="read further pages from the trackwell.next_min_step schema metadata",
            )
        with self._db.read() as conn:
            stored = self._require(conn, key)
            frame = self._db.history.frame(conn, stored.pk, keys or None, min_step, max_step, limit, stream)
        return frame_to_ipc(frame, compression)

    def _require(self, conn: Any, key: RunKey) -> StoredRun:
        stored = self._db.runs.get_run(conn, key)
        if stored is None:
            raise run_not_found(key)
        return stored
