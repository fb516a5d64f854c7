"""Reads the project workspace makes: one chart's series for every visible run in one request.

A workspace of 1,000 runs x 20 charts would otherwise make 20,000 requests; here each chart asks once
and the runs are read in one read transaction. Points per series stay within the request's budget
(min/max-preserving downsampling in the history store), so a zoom re-fetches a finer slice rather
than ever shipping full resolution.
"""

from __future__ import annotations

from dataclasses import replace

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.ui import (
    GroupSeriesRequest,
    GroupSeriesResponse,
    GroupSummaryRequest,
    GroupSummaryResponse,
    RunSeries,
    SeriesQueryRequest,
    SeriesQueryResponse,
)
from trackwell.service.group_series import group_series
from trackwell.service.group_summary import group_summary
from trackwell.store.base import Database, RunHandle, RunKey, SeriesQuery
from trackwell.store.base.scope import EVERY_PROJECT, ProjectScope

# The total points one answer may carry: runs x keys x samples. 1,000 runs x 2 keys x 1,000
# samples fits; asking every point of 1,000 runs does not.
MAX_POINTS_PER_REQUEST = 4_000_000


class WorkspaceService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def group_series(self, entity: str, project: str, req: GroupSeriesRequest) -> GroupSeriesResponse:
        """A grouped chart over every run the filter selects (service/group_series.py)."""
        return group_series(self._db, entity, project, req)

    def group_summary(self, entity: str, project: str, req: GroupSummaryRequest) -> GroupSummaryResponse:
        """Grouped bar and scatter panels over every run the filter selects (group_summary.py)."""
        return group_summary(self._db, entity, project, req)

    def query_series(
        self, req: SeriesQueryRequest, scope: ProjectScope = EVERY_PROJECT
    ) -> SeriesQueryResponse:
        """The series of each run in ``req``; a run outside ``scope`` (the caller's readable
        projects) is answered as one that does not exist."""
        keys = list(dict.fromkeys(req.keys))
        if req.x_key and req.x_key not in keys:
            keys.append(req.x_key)
        if req.min_step is not None and req.max_step is not None and req.min_step > req.max_step:
            raise InvalidArgument(
                f"min_step ({req.min_step}) is greater than max_step ({req.max_step})",
                field="min_step",
                hint="swap them, or leave one out for an open range",
            )
        budget = len(req.runs) * len(keys) * (req.samples or 0)
        if req.samples == 0 and len(req.runs) > 1:
            raise InvalidArgument(
                "samples=0 (every point) is allowed for one run at a time",
                field="samples",
                hint="pass samples between 1 and 5000, or query one run",
            )
        if budget > MAX_POINTS_PER_REQUEST:
            raise InvalidArgument(
                f"{len(req.runs)} runs x {len(keys)} keys x {req.samples} samples is more than "
                f"{MAX_POINTS_PER_REQUEST} points",
                field="samples",
                hint="lower samples, or split the runs over several requests",
            )
        query = SeriesQuery(
            keys=tuple(keys),  # hashable: runs are grouped by their query below
            min_step=req.min_step,
            max_step=req.max_step,
            samples=req.samples or None,
            stream=req.stream,
            timestamps=req.timestamps,
        )
        out: list[RunSeries] = []
        keys_of = [RunKey(ref.entity, ref.project, ref.run_id) for ref in req.runs]
        # Runs that share one query (all of them, unless live tails start at different steps) are
        # read together: statements per key rather than per run (store.series_many).
        wanted: dict[SeriesQuery, list[int]] = {}
        to_fill: list[tuple[RunSeries, SeriesQuery, int]] = []  # answer, its query, run pk
        with self._db.read() as conn:
            handles = self._db.runs.find_runs(conn, keys_of, scope)
            for ref, key in zip(req.runs, keys_of, strict=True):
                base = RunSeries(entity=key.entity, project=key.project, run_id=key.run_id)
                out.append(base)
                handle = handles.get(key)
                if handle is None:
                    # One deleted run must not blank a chart of 500 others.
                    base.error = f"run {key} does not exist"
                    continue
                base.last_step = handle.last_step
                base.series = []
                tail = _after(query, ref.after_step, handle)
                if tail is not None:
                    wanted.setdefault(tail, []).append(handle.pk)
                    to_fill.append((base, tail, handle.pk))
            read = {
                (q, pk): series
                for q, pks in wanted.items()
                for pk, series in self._db.history.series_many(conn, pks, q).items()
            }
        for base, tail, pk in to_fill:
            base.series = read[(tail, pk)]
        return SeriesQueryResponse(runs=out)


def _after(query: SeriesQuery, after_step: int | None, handle: RunHandle) -> SeriesQuery | None:
    """The query for a live chart's tail: steps after ``after_step`` only; None when the run has
    nothing newer (a finished run in a live chart costs no read at all)."""
    if after_step is None:
        return query
    if handle.last_step is None or handle.last_step <= after_step:
        return None
    lo = after_step + 1 if query.min_step is None else max(query.min_step, after_step + 1)
    return replace(query, min_step=lo)
