"""The proposals half of ``SweepStore`` on SQL: leases and trials, and the one read the controller
makes of a sweep's trials (proposals joined with their runs and the metric's per-run stats).

Reading trials costs one statement however many there are: the metric's best and last values come
from ``history_key_stats`` (kept up to date on every append), never from decoding history chunks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.schema.errors import Conflict
from trackwell.store.base.sweeps import (
    NewProposal,
    ProposalChanges,
    StoredProposal,
    StoredSweep,
    TrialRow,
)
from trackwell.store.sql.dialect import Dialect, insert, json_value
from trackwell.store.sql.history_tables import history_key_stats
from trackwell.store.sql.sweeps_tables import sweep_proposals, sweeps
from trackwell.store.sql.tables import runs

_p = sweep_proposals.c
_PARAMS_CACHE_MAX = 500_000
_IN_BATCH = 500  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits
_PROPOSAL_COLUMNS = list(sweep_proposals.c)
# ``_proposal`` reads rows by position, in StoredProposal's field order.
assert [c.name for c in _PROPOSAL_COLUMNS] == ["id", *list(StoredProposal.__dataclass_fields__)[1:]]


def _proposal(row: Sequence[Any], params: dict[str, Any] | None = None) -> StoredProposal:
    # Positional: the proposal's columns come first in every select here (a mapping lookup per
    # field was most of the cost of reading a 5,000-trial sweep).
    if params is None:
        params = dict(row[3] or {})
    return StoredProposal(
        row[0], row[1], row[2], params, row[4], row[5], row[6], row[7], row[8], row[9],
        bool(row[10]), bool(row[11]), row[12], row[13], row[14], row[15], row[16],
    )  # fmt: skip


class SqlProposalStore:
    _dialect: Dialect
    # (proposal pk, run id) -> params; the run id guards against SQLite reusing a deleted pk.
    _params_cache: dict[tuple[int, str], dict[str, Any]]

    def _params_of(
        self, conn: Connection, keys: Sequence[tuple[int, str]]
    ) -> dict[tuple[int, str], dict[str, Any]]:
        cache = self._params_cache
        missing = [pk for pk, run_id in keys if (pk, run_id) not in cache]
        if len(cache) + len(missing) > _PARAMS_CACHE_MAX:
            cache.clear()
            missing = [pk for pk, _ in keys]
        for start in range(0, len(missing), _IN_BATCH):
            stmt = sa.select(_p.id, _p.run_id, _p.params).where(_p.id.in_(missing[start : start + _IN_BATCH]))
            for pk, run_id, params in conn.execute(stmt):
                cache[(pk, run_id)] = dict(params or {})
        return {key: cache[key] for key in keys}

    def _bump(self, conn: Connection, sweep_pk: int) -> int:
        """The sweep's next trials_version (every caller holds the sweep's row lock)."""
        stmt = (
            sa.update(sweeps)
            .where(sweeps.c.id == sweep_pk)
            .values(trials_version=sweeps.c.trials_version + 1)
            .returning(sweeps.c.trials_version)
        )
        return int(conn.execute(stmt).scalar_one())

    def trials_version(self, conn: Connection, sweep_pk: int) -> int:
        stmt = sa.select(sweeps.c.trials_version).where(sweeps.c.id == sweep_pk)
        return int(conn.execute(stmt).scalar_one())

    def touch_run(self, conn: Connection, sweep_pk: int, run_id: str) -> None:
        version = self._bump(conn, sweep_pk)
        stmt = sa.update(sweep_proposals).where(_p.sweep_pk == sweep_pk, _p.run_id == run_id)
        conn.execute(stmt.values(version=version))

    def add_proposal(self, conn: Connection, sweep_pk: int, new: NewProposal) -> StoredProposal:
        values = {
            "version": self._bump(conn, sweep_pk),
            "sweep_pk": sweep_pk,
            "run_id": new.run_id,
            "params": new.params,
            "params_key": new.params_key,
            "grid_index": new.grid_index,
            "state": new.state,
            "agent_pk": new.agent_pk,
            "lease_expires_at": new.lease_expires_at,
            "reissue_of": new.reissue_of,
            "reissued": False,
            "stop_requested": False,
            "stop_reason": None,
            "created_at": new.now,
            "started_at": new.started_at,
            "updated_at": new.now,
        }
        # ON CONFLICT DO NOTHING: a duplicate must not poison a PostgreSQL transaction.
        stmt = insert(self._dialect, sweep_proposals).values(**values)
        returning = stmt.on_conflict_do_nothing(index_elements=["sweep_pk", "run_id"]).returning(_p.id)
        pk = conn.execute(returning).scalar_one_or_none()
        if pk is None:
            raise Conflict(f"the sweep already has a trial with run id {new.run_id}", field="run_id")
        row = conn.execute(sa.select(*_PROPOSAL_COLUMNS).where(_p.id == pk)).one()
        return _proposal(row)

    def get_proposal(self, conn: Connection, sweep_pk: int, run_id: str) -> StoredProposal | None:
        stmt = sa.select(*_PROPOSAL_COLUMNS).where(_p.sweep_pk == sweep_pk, _p.run_id == run_id)
        row = conn.execute(stmt).first()
        return None if row is None else _proposal(row)

    def update_proposals(
        self, conn: Connection, sweep_pk: int, pks: Sequence[int], changes: ProposalChanges
    ) -> None:
        values: dict[str, Any] = {
            name: getattr(changes, name)
            for name in ProposalChanges.__dataclass_fields__
            if getattr(changes, name) is not None
        }
        if not values or not pks:
            return
        values["version"] = self._bump(conn, sweep_pk)
        ids = list(pks)
        for start in range(0, len(ids), _IN_BATCH):
            chunk = ids[start : start + _IN_BATCH]
            stmt = sa.update(sweep_proposals).where(_p.sweep_pk == sweep_pk, _p.id.in_(chunk))
            conn.execute(stmt.values(**values))

    def renew_leases(
        self, conn: Connection, sweep_pk: int, run_ids: Sequence[str], expires_at: float
    ) -> None:
        ids = list(run_ids)
        version = self._bump(conn, sweep_pk)
        for start in range(0, len(ids), _IN_BATCH):
            stmt = (
                sa.update(sweep_proposals)
                .where(
                    _p.sweep_pk == sweep_pk,
                    _p.state == "leased",
                    _p.run_id.in_(ids[start : start + _IN_BATCH]),
                )
                .values(lease_expires_at=expires_at, version=version)
            )
            conn.execute(stmt)

    def trial_rows(
        self,
        conn: Connection,
        sweep: StoredSweep,
        metric: str | None,
        *,
        with_summary: bool = True,
        since_version: int | None = None,
    ) -> list[TrialRow]:
        r, k = runs.c, history_key_stats.c
        run_join = sa.and_(r.project_id == sweep.project_pk, r.run_id == _p.run_id)
        # A proposal's params never change: decoded once per process (most of a big sweep's read).
        proposal_columns = [sa.null() if c is _p.params else c for c in _PROPOSAL_COLUMNS]
        columns: list[Any] = [*proposal_columns, r.id, r.state, r.created_at, r.history_count]
        joined = sweep_proposals.outerjoin(runs, run_join)
        if metric is not None:
            stats = sa.and_(k.run_pk == r.id, k.stream == "history", k.key == metric)
            joined = joined.outerjoin(history_key_stats, stats)
            columns += [k.vmin, k.vmax, k.last_value]
            if with_summary and '"' not in metric:
                columns.append(json_value(self._dialect, r.summary, metric.split(".")).number)
        stmt = sa.select(*columns).select_from(joined).where(_p.sweep_pk == sweep.pk).order_by(_p.id)
        if since_version is not None:
            stmt = stmt.where(_p.version > since_version)
        n = len(_PROPOSAL_COLUMNS)  # positions: the proposal, then the run, then the stats
        result = list(conn.execute(stmt))
        params = self._params_of(conn, [(row[0], row[2]) for row in result])
        found: list[TrialRow] = []
        for row in result:
            extra = row[n + 4 :]
            vmin, vmax, last, summary = (*extra, None, None, None, None)[:4]
            found.append(
                TrialRow(
                    proposal=_proposal(row, params[(row[0], row[2])]),
                    run_pk=row[n],
                    run_state=row[n + 1],
                    run_created_at=row[n + 2],
                    history_count=int(row[n + 3] or 0),
                    vmin=vmin,
                    vmax=vmax,
                    last=None if last is None else json.loads(last),
                    summary=summary,
                )
            )
        return found

    def run_stop(self, conn: Connection, sweep_id: str, run_id: str) -> StoredProposal | None:
        stmt = (
            sa.select(*_PROPOSAL_COLUMNS)
            .join(sweeps, sweeps.c.id == _p.sweep_pk)
            .where(sweeps.c.public_id == sweep_id, _p.run_id == run_id)
        )
        row = conn.execute(stmt).first()
        return None if row is None else _proposal(row)
