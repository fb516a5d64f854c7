"""Tables of sweeps: the sweep, its proposals (one per trial, leased or started) and its agents.

Migration 0009 creates exactly these (tests/contract/test_migrations.py checks for drift). A sweep
belongs to a project (deleting the project deletes it); proposals and agents belong to their sweep.
Runs keep naming their sweep in ``runs.sweep_id`` (the public id), so a deleted run leaves its
proposal behind: the controller sees the run is gone (docs/sweeps-parts/server.md).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, RUN_ID_LEN, Id, Json
from trackwell.store.sql.text_type import NulSafeText

SWEEP_ID_LEN = 8
AGENT_ID_LEN = 16


def _sweep_fk() -> Column[int]:
    return Column("sweep_pk", Id, ForeignKey("sweeps.id", ondelete="CASCADE"), nullable=False)


sweeps = Table(
    "sweeps",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(SWEEP_ID_LEN), nullable=False),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", NulSafeText, nullable=True),
    Column("description", NulSafeText, nullable=True),
    Column("method", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("state_reason", NulSafeText, nullable=True),
    Column("config", Json, nullable=False),  # as given (validated)
    Column("seed", BigInteger, nullable=False),  # random and bayes draw from it, so a sweep replays
    # Bumped by every change to the sweep's proposals (and by deleting one of its runs): a server
    # process re-reads only the proposals whose ``version`` is newer than what it holds.
    Column("trials_version", BigInteger, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    UniqueConstraint("public_id", name="uq_sweeps_public_id"),
    Index("ix_sweeps_project_created", "project_id", "created_at"),
)

# One row per trial: a lease handed to an agent (and the run it became), a prior run, or a run that
# joined the sweep on its own. ``params`` are flat (``opt.lr``); ``params_key`` the engine's identity.
sweep_proposals = Table(
    "sweep_proposals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _sweep_fk(),
    Column("run_id", String(RUN_ID_LEN), nullable=False),
    Column("params", Json, nullable=False),
    Column("params_key", NulSafeText, nullable=False),
    Column("grid_index", Integer, nullable=True),
    # leased | started | done | expired | prior (schema.sweeps.ProposalState)
    Column("state", String(16), nullable=False),
    Column("agent_pk", Id, ForeignKey("sweep_agents.id", ondelete="SET NULL"), nullable=True),
    Column("lease_expires_at", Double, nullable=True),
    # The proposal whose expired lease this one re-issues (each expired lease is re-issued once).
    Column("reissue_of", Id, nullable=True),
    Column("reissued", Boolean, nullable=False),
    Column("stop_requested", Boolean, nullable=False),
    Column("stop_reason", NulSafeText, nullable=True),
    Column("created_at", Double, nullable=False),
    Column("started_at", Double, nullable=True),  # when its run first said it is in the sweep
    Column("updated_at", Double, nullable=False),
    Column("version", BigInteger, nullable=False),  # the sweep's trials_version when last changed
    UniqueConstraint("sweep_pk", "run_id", name="uq_sweep_proposals_sweep_pk_run_id"),
)

sweep_agents = Table(
    "sweep_agents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(AGENT_ID_LEN), nullable=False),
    _sweep_fk(),
    Column("host", String(255), nullable=True),
    Column("name", String(NAME_LEN), nullable=True),
    Column("count", BigInteger, nullable=True),
    Column("state", String(16), nullable=False),  # running | finished (told to exit)
    Column("created_at", Double, nullable=False),
    Column("heartbeat_at", Double, nullable=False),
    Column("runs_started", BigInteger, nullable=False),
    UniqueConstraint("public_id", name="uq_sweep_agents_public_id"),
    Index("ix_sweep_agents_sweep_pk", "sweep_pk"),
)

SWEEP_TABLES = (sweeps, sweep_agents, sweep_proposals)
