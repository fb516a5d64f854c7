"""Sweeps as stored: the sweep, its proposals (leases and trials) and its agents, and the
:class:`SweepStore` interface.

The store keeps rows; the rules (what to propose, when a lease expires, which trials stop) are the
controller's (``trackwell.service.sweeps``) and the engine's. Every method works inside the caller's
transaction (``conn``) and never commits. ``get_sweep(..., lock=True)`` is the one lock the
controller takes: every change to a sweep's proposals happens while holding it, so two agents (or
two server processes) never lease from the same view of the trials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.errors import Conflict


class SweepIdTaken(Conflict):
    """Another sweep (or agent) got the same random id first; the transaction is rolled back and the
    create can be tried again with a new id."""


@dataclass(frozen=True, slots=True)
class NewSweep:
    id: str
    name: str | None
    description: str | None
    method: str
    state: str
    config: dict[str, Any]
    seed: int
    now: float


@dataclass(frozen=True, slots=True)
class StoredSweep:
    pk: int
    id: str
    project_pk: int
    entity: str
    project: str
    name: str | None
    description: str | None
    method: str
    state: str
    state_reason: str | None
    config: dict[str, Any]
    seed: int
    created_at: float
    updated_at: float
    trials_version: int = 0  # bumped by every change to its proposals (``trial_rows(since=)``)


@dataclass(slots=True)
class SweepChanges:
    """Fields to change on a sweep; ``None`` means "leave as is" (``state_reason=""`` clears it)."""

    state: str | None = None
    state_reason: str | None = None
    config: dict[str, Any] | None = None
    name: str | None = None
    description: str | None = None
    updated_at: float | None = None


@dataclass(frozen=True, slots=True)
class NewProposal:
    run_id: str
    params: dict[str, Any]
    params_key: str
    state: str  # leased | started | prior
    now: float
    grid_index: int | None = None
    agent_pk: int | None = None
    lease_expires_at: float | None = None
    reissue_of: int | None = None
    started_at: float | None = None


@dataclass(frozen=True, slots=True)
class StoredProposal:
    pk: int
    sweep_pk: int
    run_id: str
    params: dict[str, Any]
    params_key: str
    grid_index: int | None
    state: str
    agent_pk: int | None
    lease_expires_at: float | None
    reissue_of: int | None
    reissued: bool
    stop_requested: bool
    stop_reason: str | None
    created_at: float
    started_at: float | None
    updated_at: float
    version: int = 0


@dataclass(slots=True)
class ProposalChanges:
    """Fields to change on proposals; ``None`` means "leave as is"."""

    state: str | None = None
    lease_expires_at: float | None = None
    reissued: bool | None = None
    stop_requested: bool | None = None
    stop_reason: str | None = None
    started_at: float | None = None
    updated_at: float | None = None


@dataclass(frozen=True, slots=True)
class TrialRow:
    """A proposal with what the controller needs of its run: whether it exists, its state, and the
    metric's stats (history ``vmin``/``vmax`` ignore NaN but may be infinite; ``summary`` is the
    run summary's number at the metric's path). Run fields are None when the run does not exist."""

    proposal: StoredProposal
    run_pk: int | None = None
    run_state: str | None = None
    run_created_at: float | None = None
    history_count: int = 0
    vmin: float | None = None
    vmax: float | None = None
    last: Any = None
    summary: float | None = None


@dataclass(frozen=True, slots=True)
class StoredAgent:
    pk: int
    id: str
    sweep_pk: int
    host: str | None
    name: str | None
    count: int | None
    state: str
    created_at: float
    heartbeat_at: float
    runs_started: int


class SweepStore(Protocol):
    # -- sweeps --------------------------------------------------------------------------------------

    def create_sweep(self, conn: Connection, entity: str, project: str, new: NewSweep) -> StoredSweep:
        """Create the sweep (and its entity and project when new). Raises :class:`SweepIdTaken`
        when the id is in use."""

    def get_sweep(
        self, conn: Connection, entity: str, project: str, sweep_id: str, *, lock: bool = False
    ) -> StoredSweep | None:
        """``lock=True`` takes the sweep's row lock (PostgreSQL ``FOR UPDATE``; SQLite's write
        transactions are serialized already) until the transaction ends."""

    def find_sweep(self, conn: Connection, sweep_id: str, *, lock: bool = False) -> StoredSweep | None:
        """The sweep with this id in any project (sweep ids are unique on the server)."""

    def list_sweeps(self, conn: Connection, entity: str, project: str) -> list[StoredSweep]:
        """The project's sweeps, newest first."""

    def update_sweep(self, conn: Connection, pk: int, changes: SweepChanges) -> None: ...

    def attach_runs(self, conn: Connection, project_pk: int, run_ids: Sequence[str], sweep_id: str) -> None:
        """Set ``runs.sweep_id`` of these runs of the project (prior runs joining a sweep)."""

    # -- proposals -----------------------------------------------------------------------------------

    def add_proposal(self, conn: Connection, sweep_pk: int, new: NewProposal) -> StoredProposal:
        """Raises ``Conflict`` when the sweep already has a proposal for this run id."""

    def get_proposal(self, conn: Connection, sweep_pk: int, run_id: str) -> StoredProposal | None: ...

    def update_proposals(
        self, conn: Connection, sweep_pk: int, pks: Sequence[int], changes: ProposalChanges
    ) -> None:
        """Change proposals of this sweep (each change bumps the sweep's ``trials_version``)."""

    def touch_run(self, conn: Connection, sweep_pk: int, run_id: str) -> None:
        """Mark the proposal of ``run_id`` changed (its run is being deleted)."""

    def trials_version(self, conn: Connection, sweep_pk: int) -> int: ...

    def renew_leases(
        self, conn: Connection, sweep_pk: int, run_ids: Sequence[str], expires_at: float
    ) -> None:
        """Push the lease expiry of the sweep's ``leased`` proposals for these run ids."""

    def trial_rows(
        self,
        conn: Connection,
        sweep: StoredSweep,
        metric: str | None,
        *,
        with_summary: bool = True,
        since_version: int | None = None,
    ) -> list[TrialRow]:
        """Every proposal of the sweep (oldest first) joined with its run and the metric's stats.
        ``metric=None`` reads no stats; ``since_version`` only the proposals changed after it."""

    def run_stop(self, conn: Connection, sweep_id: str, run_id: str) -> StoredProposal | None:
        """The proposal of ``run_id`` in the sweep with this public id (for a run's record acks)."""

    # -- agents --------------------------------------------------------------------------------------

    def add_agent(
        self,
        conn: Connection,
        sweep_pk: int,
        agent_id: str,
        host: str | None,
        name: str | None,
        count: int | None,
        now: float,
    ) -> StoredAgent:
        """Raises :class:`SweepIdTaken` when the agent id is in use."""

    def get_agent(self, conn: Connection, sweep_pk: int, agent_id: str) -> StoredAgent | None: ...

    def list_agents(self, conn: Connection, sweep_pk: int) -> list[StoredAgent]: ...

    def touch_agent(
        self,
        conn: Connection,
        pk: int,
        heartbeat_at: float,
        *,
        started: int = 0,
        state: str | None = None,
    ) -> None:
        """Record a heartbeat, ``started`` more runs handed out, and optionally a new state."""
