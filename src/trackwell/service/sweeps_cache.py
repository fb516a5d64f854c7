"""A server process's copy of each sweep's trial rows, so a heartbeat of a big grid or random sweep
reads only the proposals that changed since the last one, not all of them.

Every change to a sweep's proposals bumps its ``trials_version`` and stamps the changed rows with it
(``SweepStore``), always under the sweep's row lock; deleting a run of the sweep does too. A
heartbeat reads the version, then only the rows stamped after the version it holds, joined with
their runs as usual. The copy is kept only once the heartbeat's transaction has committed (a rolled
back one would leave versions that get reused), and it is replaced, never changed in place, so
threads of one process share it safely. Each process keeps its own copy; the database stays the
truth.

Only heartbeats whose decisions need no metric values use it (grid and random without a target or
hyperband, while the sweep runs): there, a run's state matters only through its proposal (a run
that starts or is deleted changes its proposal), so run states the copy holds may lag harmlessly.
Trials are rebuilt only for rows that changed and for leases (whose expiry depends on the clock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trackwell.service.sweep_engine import SweepSpec
from trackwell.service.sweeps_trials import TrialView
from trackwell.store.base import Database, StoredSweep, TrialRow

_MAX_SWEEPS = 64  # sweeps held per process (the oldest is dropped)

Build = Callable[[Sequence[TrialRow]], list[TrialView]]


@dataclass(frozen=True)
class Entry:
    version: int
    rows: dict[int, TrialRow]  # by proposal pk, oldest first
    spec: SweepSpec | None = None
    views: dict[int, tuple[TrialRow, TrialView]] = field(default_factory=dict)


class TrialCache:
    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}
        self._lock = threading.Lock()

    def rows(self, db: Database, conn: Any, sweep: StoredSweep) -> tuple[list[TrialRow], Entry]:
        """The sweep's trial rows (no metric stats), and the copy to keep once committed."""
        version = db.sweeps.trials_version(conn, sweep.pk)
        with self._lock:
            held = self._entries.get(sweep.pk)
        if held is None or held.version > version:
            rows = {r.proposal.pk: r for r in db.sweeps.trial_rows(conn, sweep, None)}
            held = Entry(version, rows)
        elif held.version < version:
            changed = db.sweeps.trial_rows(conn, sweep, None, since_version=held.version)
            rows = dict(held.rows)
            for row in changed:
                rows[row.proposal.pk] = row
            held = Entry(version, rows, held.spec, held.views)
        return list(held.rows.values()), held

    def views(
        self, entry: Entry, spec: SweepSpec, rows: Sequence[TrialRow], build: Build
    ) -> tuple[list[TrialView], Entry]:
        """Trials of ``rows``: those of unchanged rows reused (leases are always rebuilt)."""
        reuse = entry.views if entry.spec is spec else {}
        fresh: list[TrialRow] = []
        for row in rows:
            known = reuse.get(row.proposal.pk)
            if known is None or known[0] is not row or row.proposal.state == "leased":
                fresh.append(row)
        built = {v.row.proposal.pk: v for v in build(fresh)} if fresh else {}
        views: list[TrialView] = []
        kept: dict[int, tuple[TrialRow, TrialView]] = {}
        for row in rows:
            view = built.get(row.proposal.pk) or reuse[row.proposal.pk][1]
            views.append(view)
            kept[row.proposal.pk] = (row, view)
        return views, Entry(entry.version, entry.rows, spec, kept)

    def keep(self, sweep_pk: int, entry: Entry) -> None:
        """Called after the heartbeat's transaction committed."""
        with self._lock:
            held = self._entries.get(sweep_pk)
            if held is not None and held.version > entry.version:
                return  # another thread kept a newer copy meanwhile
            self._entries.pop(sweep_pk, None)
            self._entries[sweep_pk] = entry
            while len(self._entries) > _MAX_SWEEPS:
                self._entries.pop(next(iter(self._entries)))

    def forget(self, sweep_pk: int) -> None:
        with self._lock:
            self._entries.pop(sweep_pk, None)
