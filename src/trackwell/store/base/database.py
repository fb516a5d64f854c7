"""The one SQL database that holds a store of each concern (runs, users, files, output, history, ...)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.store.base.alert_rules import AlertRuleStore
from trackwell.store.base.alerts import AlertStore
from trackwell.store.base.artifacts import ArtifactStore
from trackwell.store.base.comments import CommentStore
from trackwell.store.base.files import FileIndex
from trackwell.store.base.history import HistoryStore
from trackwell.store.base.layouts import LayoutStore
from trackwell.store.base.output import OutputStore
from trackwell.store.base.report_links import ReportLinkStore
from trackwell.store.base.reports import ReportStore
from trackwell.store.base.runs import RunStore
from trackwell.store.base.sweeps import SweepStore
from trackwell.store.base.users import UserStore
from trackwell.store.base.views import ViewStore
from trackwell.store.base.wandb_uploads import WandbUploadIndex


class Database(Protocol):
    """One SQL database holding metadata and history. ``begin()`` is a write transaction
    (SQLite: ``BEGIN IMMEDIATE``), ``read()`` a read-only one."""

    # Read-only members (properties), so an implementation may declare its concrete store types.
    @property
    def runs(self) -> RunStore: ...

    @property
    def users(self) -> UserStore: ...

    @property
    def files(self) -> FileIndex: ...

    @property
    def output(self) -> OutputStore: ...

    @property
    def history(self) -> HistoryStore: ...

    @property
    def layouts(self) -> LayoutStore: ...

    @property
    def alerts(self) -> AlertStore: ...

    @property
    def alert_rules(self) -> AlertRuleStore: ...

    @property
    def artifacts(self) -> ArtifactStore: ...

    @property
    def sweeps(self) -> SweepStore: ...

    @property
    def views(self) -> ViewStore: ...

    @property
    def reports(self) -> ReportStore: ...

    @property
    def report_links(self) -> ReportLinkStore: ...

    @property
    def comments(self) -> CommentStore: ...

    @property
    def wandb_uploads(self) -> WandbUploadIndex: ...

    @property
    def dialect(self) -> str: ...  # "sqlite" | "postgresql"

    def begin(self) -> AbstractContextManager[Connection]: ...

    def read(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None: ...
