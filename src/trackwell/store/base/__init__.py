"""Storage interfaces, one module per concern; import them from here (``trackwell.store.base``).

The metadata store (runs, projects, users, keys, files index) and the metric-history store share
one SQL database (:class:`Database`) so that a record batch is applied in one transaction: the
sequence bookkeeping and the data it guards commit together, which is what makes retries
idempotent. Blobs (file bytes) live outside the database behind :class:`BlobStore`.

Modules: ``history`` (rows, blocks, series queries, :class:`HistoryStore`), ``blobs``, ``runs``
(:class:`RunKey`, :class:`RunChanges`, :class:`RunStore`), ``users``, ``files`` (the files index),
``output`` (console lines), ``alerts``, ``layouts``, ``artifacts`` (collections, versions,
manifests, lineage), ``sweeps`` (sweeps, proposals, agents), ``views`` (saved views), and ``database``
(:class:`Database`, which holds one store of each).
Backends: ``store/sql`` (SQLite, PostgreSQL) and ``store/blobs``.
"""

from __future__ import annotations

from trackwell.store.base.alert_rules import (
    AlertRuleStore,
    ClaimedDelivery,
    FeedAlert,
    RuleFields,
    StoredDelivery,
    StoredRule,
    StoredWebhook,
)
from trackwell.store.base.alerts import AlertStore, StoredAlert
from trackwell.store.base.artifacts import (
    ArtifactRace,
    ArtifactStore,
    CollectionKind,
    EdgeKind,
    NewVersion,
    StoredCollection,
    StoredEdge,
    StoredEntry,
    StoredVersion,
    VersionChanges,
)
from trackwell.store.base.blobs import BlobInfo, BlobStore, BlobWriteResult
from trackwell.store.base.comments import CommentStore, CommentTarget, NewComment, StoredComment
from trackwell.store.base.database import Database
from trackwell.store.base.files import FileEntry, FileIndex
from trackwell.store.base.history import (
    AllPoints,
    HistoryColumns,
    HistoryFrame,
    HistoryRow,
    HistoryStore,
    Positions,
    SeriesQuery,
    StepPoints,
    Stream,
)
from trackwell.store.base.layouts import LayoutStore, StoredLayout
from trackwell.store.base.output import OutputStore
from trackwell.store.base.runs import RunChanges, RunHandle, RunKey, RunStore, StoredRun
from trackwell.store.base.sweeps import (
    NewProposal,
    NewSweep,
    ProposalChanges,
    StoredAgent,
    StoredProposal,
    StoredSweep,
    SweepChanges,
    SweepIdTaken,
    SweepStore,
    TrialRow,
)
from trackwell.store.base.users import (
    ROLES,
    VISIBILITIES,
    AuditEvent,
    EntityKind,
    Member,
    Principal,
    Role,
    StoredEntity,
    StoredKey,
    User,
    UserKind,
    UserStore,
    Visibility,
)
from trackwell.store.base.views import (
    NewView,
    StoredView,
    ViewChanges,
    ViewIdTaken,
    ViewNameTaken,
    ViewStore,
)

__all__ = [
    "ROLES",
    "VISIBILITIES",
    "AuditEvent",
    "EntityKind",
    "Member",
    "Principal",
    "Role",
    "StoredEntity",
    "StoredKey",
    "UserKind",
    "Visibility",
    "AlertStore",
    "AlertRuleStore",
    "ClaimedDelivery",
    "FeedAlert",
    "RuleFields",
    "StoredDelivery",
    "StoredRule",
    "StoredWebhook",
    "ArtifactRace",
    "ArtifactStore",
    "BlobInfo",
    "BlobStore",
    "BlobWriteResult",
    "CollectionKind",
    "CommentStore",
    "CommentTarget",
    "NewComment",
    "StoredComment",
    "Database",
    "EdgeKind",
    "FileEntry",
    "FileIndex",
    "HistoryColumns",
    "HistoryFrame",
    "HistoryRow",
    "HistoryStore",
    "LayoutStore",
    "NewProposal",
    "NewSweep",
    "NewVersion",
    "OutputStore",
    "ProposalChanges",
    "RunChanges",
    "RunHandle",
    "RunKey",
    "RunStore",
    "AllPoints",
    "Positions",
    "SeriesQuery",
    "StepPoints",
    "StoredAgent",
    "StoredAlert",
    "StoredCollection",
    "StoredEdge",
    "StoredEntry",
    "StoredLayout",
    "StoredProposal",
    "StoredRun",
    "StoredSweep",
    "StoredVersion",
    "Stream",
    "SweepChanges",
    "SweepIdTaken",
    "SweepStore",
    "TrialRow",
    "User",
    "UserStore",
    "VersionChanges",
    "NewView",
    "StoredView",
    "ViewChanges",
    "ViewIdTaken",
    "ViewNameTaken",
    "ViewStore",
]
