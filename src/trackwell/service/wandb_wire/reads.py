"""The public API's reads (``wandb.Api()``: runs, a run, its history in every form, its files),
answered from the same services the Trackwell query API uses (section 3.11).

History rows go out as wandb writes them: one JSON object per row with ``_step``, ``_runtime`` and
``_timestamp`` beside the values; NaN and infinities as bare tokens (Python's json, which the client
parses with the same rules).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.files import RunFile
from trackwell.schema.runs import RunOut
from trackwell.service.access import Action, visible_projects
from trackwell.service.files import FileService
from trackwell.service.history import MAX_ROWS, HistoryService
from trackwell.service.wandb_wire.runs import WandbRuns
from trackwell.store.base import Principal, RunKey

MAX_PER_PAGE = 1000


@dataclass(frozen=True, slots=True)
class RunsPage:
    runs: list[RunOut]
    total: int
    offset: int  # of the first run: run i's cursor is offset + i
    has_next: bool

    def cursor(self, i: int) -> str:
        return str(self.offset + i)

    @property
    def end_cursor(self) -> str | None:
        return self.cursor(len(self.runs) - 1) if self.runs else None


def start_after(cursor: str | None) -> int:
    """A cursor is the position of an item; the page after it starts one further (the client passes
    the last edge's cursor as ``after``)."""
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise InvalidArgument(f"cursor {cursor!r} did not come from this server", field="after")
    return int(cursor) + 1


class WandbReads:
    def __init__(self, wandb_runs: WandbRuns, history: HistoryService, files: FileService) -> None:
        self._runs = wandb_runs
        self._history = history
        self._files = files

    def runs_page(
        self,
        principal: Principal,
        entity: str,
        project: str,
        *,
        filters: str | None,
        order: str | None,
        cursor: str | None,
        per_page: int,
    ) -> RunsPage:
        """``Api().runs(path, filters, order)``; the cursor is the offset of the next page."""
        entity, project = self._runs.project_path(principal, entity, project)
        ref = self._runs.project_ref(entity, project)
        if ref.visibility is None:
            return RunsPage(runs=[], total=0, offset=0, has_next=False)
        self._runs.authorize_ref(principal, Action.PROJECT_READ, ref)
        offset = start_after(cursor)
        page = self._runs.runs.query(
            entity,
            project,
            filters if filters not in (None, "", "null") else None,
            order or "-created_at",
            max(1, min(per_page, MAX_PER_PAGE)),
            offset,
            scope=visible_projects(principal),
        )
        return RunsPage(
            runs=page.runs, total=page.total, offset=offset, has_next=offset + len(page.runs) < page.total
        )

    def run(self, principal: Principal, key: RunKey) -> RunOut | None:
        bucket = self._runs.resume_status(principal, key)
        return None if bucket is None else bucket.run

    def rows(
        self,
        principal: Principal,
        key: RunKey,
        keys: list[str] | None,
        lo: int | None,
        hi: int | None,
        limit: int = MAX_ROWS,
        stream: str = "history",
    ) -> list[dict[str, Any]]:
        """Full-resolution rows with steps in [lo, hi] (inclusive), first ``limit`` of them."""
        self._runs.authorize(principal, Action.PROJECT_READ, key)
        out: list[dict[str, Any]] = []
        next_min = lo
        while len(out) < limit:
            page = self._history.rows(
                key,
                keys,
                next_min,
                hi,
                min(MAX_ROWS, limit - len(out)),
                stream,  # type: ignore[arg-type]
            )
            out.extend(page.rows)
            if page.next_min_step is None or not page.rows:
                break
            next_min = page.next_min_step
        return out

    def sampled(self, principal: Principal, key: RunKey, spec_json: str) -> list[dict[str, Any]]:
        """``sampledHistory(specs)``: rows holding every requested key, at most ``samples`` of them,
        spread evenly over the run (first and last kept), steps in [minStep, maxStep]."""
        try:
            spec = json.loads(spec_json) if isinstance(spec_json, str) else spec_json
        except ValueError:
            raise InvalidArgument("a sampledHistory spec must be JSON", field="specs") from None
        if not isinstance(spec, dict):
            raise InvalidArgument("a sampledHistory spec is an object {keys, samples}", field="specs")
        keys = [k for k in dict.fromkeys(spec.get("keys") or []) if isinstance(k, str)]
        samples = int(spec.get("samples") or 500)
        rows = self.rows(principal, key, None, spec.get("minStep"), spec.get("maxStep"))
        wanted = [r for r in rows if all(_has(r, k) for k in keys)]
        picked = _spread(wanted, samples)
        return [{k: _get(r, k) for k in keys} for r in picked] if keys else picked

    def history_keys(self, principal: Principal, key: RunKey) -> dict[str, Any]:
        self._runs.authorize(principal, Action.PROJECT_READ, key)
        keys = self._history.keys(key)
        return {
            "lastStep": keys.last_step,
            "keys": {
                k.key: {
                    "typeCounts": [{"type": "number" if k.kind == "number" else "string", "count": k.count}]
                }
                for k in keys.keys
            },
        }

    def files(self, principal: Principal, key: RunKey) -> list[RunFile]:
        self._runs.authorize(principal, Action.PROJECT_READ, key)
        return self._files.list_files(key).files


def json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, allow_nan=True)


def _has(row: dict[str, Any], key: str) -> bool:
    return _get(row, key, _MISSING) is not _MISSING


_MISSING = object()


def _get(row: dict[str, Any], key: str, default: Any = None) -> Any:
    if key in row:
        return row[key]
    node: Any = row
    for part in key.split("."):  # a nested dict logged as such reads back nested
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def _spread(rows: list[dict[str, Any]], samples: int) -> list[dict[str, Any]]:
    if samples <= 0 or len(rows) <= samples:
        return rows
    if samples == 1:
        return [rows[-1]]
    step = (len(rows) - 1) / (samples - 1)
    return [rows[min(len(rows) - 1, math.floor(i * step + 0.5))] for i in range(samples)]
