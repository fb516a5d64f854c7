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
from sqlalchemy import Connection, Row

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
_IN_BATCH = 500  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits
_PROPOSAL_COLUMNS = list(sweep_proposals.c)


def _proposal(row: Row[Any]) -> StoredProposal:
    m = row._mapping
    return StoredProposal(
        pk=m["id"],
        sweep_pk=m["sweep_pk"],
        run_id=m["run_id"],
        params=dict(m["params"] or {}),
        params_key=m["params_key"],
        grid_index=m["grid_index"],
        state=m["state"],
        agent_pk=m["agent_pk"],
        lease_expires_at=m["lease_expires_at"],
        reissue_of=m["reissue_of"],
        reissued=bool(m["reissued"]),
        stop_requested=bool(m["stop_requested"]),
        stop_reason=m["stop_reason"],
        created_at=m["created_at"],
        started_at=m["started_at"],
        updated_at=m["updated_at"],
    )


class SqlProposalStore:
    _dialect: Dialect

    def add_proposal(self, conn: Connection, sweep_pk: int, new: NewProposal) -> StoredProposal:
        values = {
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

    def update_proposals(self, conn: Connection, pks: Sequence[int], changes: ProposalChanges) -> None:
        values = {
            name: getattr(changes, name)
            for name in ProposalChanges.__dataclass_fields__
            if getattr(changes, name) is not None
        }
        if not values or not pks:
            return
        ids = list(pks)
        for start in range(0, len(ids), _IN_BATCH):
            chunk = ids[start : start + _IN_BATCH]
            conn.execute(sa.update(sweep_proposals).where(_p.id.in_(chunk)).values(**values))

    def renew_leases(
        self, conn: Connection, sweep_pk: int, run_ids: Sequence[str], expires_at: float
    ) -> None:
        ids = list(run_ids)
        for start in range(0, len(ids), _IN_BATCH):
            stmt = (
                sa.update(sweep_proposals)
                .where(
                    _p.sweep_pk == sweep_pk,
                    _p.state == "leased",
                    _p.run_id.in_(ids[start : start + _IN_BATCH]),
                )
                .values(lease_expires_at=expires_at)
            )
            conn.execute(stmt)

    def trial_rows(
        self, conn: Connection, sweep: StoredSweep, metric: str | None, *, with_summary: bool = True
    ) -> list[TrialRow]:
        r, k = runs.c, history_key_stats.c
        run_join = sa.and_(r.project_id == sweep.project_pk, r.run_id == _p.run_id)
        columns: list[Any] = [*_PROPOSAL_COLUMNS, r.id.label("r_pk"), r.state.label("r_state")]
        columns += [r.created_at.label("r_created"), r.history_count.label("r_count")]
        joined = sweep_proposals.outerjoin(runs, run_join)
        if metric is not None:
            stats = sa.and_(k.run_pk == r.id, k.stream == "history", k.key == metric)
            joined = joined.outerjoin(history_key_stats, stats)
            columns += [k.vmin.label("s_min"), k.vmax.label("s_max"), k.last_value.label("s_last")]
            if with_summary and '"' not in metric:
                columns.append(json_value(self._dialect, r.summary, metric.split(".")).number.label("s_sum"))
        stmt = sa.select(*columns).select_from(joined).where(_p.sweep_pk == sweep.pk).order_by(_p.id)
        found: list[TrialRow] = []
        for row in conn.execute(stmt):
            m = row._mapping
            last = m.get("s_last")
            found.append(
                TrialRow(
                    proposal=_proposal(row),
                    run_pk=m["r_pk"],
                    run_state=m["r_state"],
                    run_created_at=m["r_created"],
                    history_count=int(m["r_count"] or 0),
                    vmin=m.get("s_min"),
                    vmax=m.get("s_max"),
                    last=None if last is None else json.loads(last),
                    summary=m.get("s_sum"),
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
