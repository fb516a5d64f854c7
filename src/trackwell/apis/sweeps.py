"""wandb's public ``Sweep``: ``Api().sweep("entity/project/id")``, ``Api().project(...).sweeps()``
and a sweep run's ``run.sweep``.

Attributes keep wandb's names and values: ``id``, ``name`` (the config's ``name``, else the id),
``config``, ``state`` in wandb's spelling (``RUNNING``, ``PAUSED``, ``FINISHED``, ``CANCELED``),
``expected_run_count``, ``url``, ``runs`` (public ``Run`` objects, paged lazily, oldest first) and
``best_run(order=)``. Without ``order``, the best run is the server's: the run whose *best logged*
value of the sweep's metric is best (the value a run contributes to the search, as W&B's
controller counts it); with an order (``"-val/acc"``, ``"+summary_metrics.loss"``,
``"config.lr"``) runs are sorted by it as wandb sorts them.

Imports: the SDK's HTTP client and :mod:`trackwell.sweeps.client` (the sweep routes), ``apis.run``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trackwell.apis.run import Run
from trackwell.schema.errors import InvalidArgument
from trackwell.schema.runs import RunOut
from trackwell.sdk.api_client import ApiClient
from trackwell.sweeps.client import SweepClient, parse_sweep_path, sweep_url

if TYPE_CHECKING:
    from trackwell.apis.api import Api, Runs

# Our states -> wandb's (its GraphQL enum; wandb spells CANCELED with one L).
WANDB_STATES = {"running": "RUNNING", "paused": "PAUSED", "finished": "FINISHED", "cancelled": "CANCELED"}
# Run columns an order may name as they are (the server's run query, store/sql/filters.py); any
# other bare key is a summary metric, as in wandb.
_RUN_COLUMNS = frozenset(
    [
        "state",
        "display_name",
        "displayName",
        "name",
        "run_id",
        "id",
        "group",
        "job_type",
        "jobType",
        "host",
        "notes",
        "sweep_id",
        "sweep",
        "created_at",
        "createdAt",
        "updated_at",
        "updatedAt",
        "heartbeat_at",
        "heartbeatAt",
        "finished_at",
        "runtime",
        "duration",
        "exit_code",
        "last_step",
        "history_count",
    ]
)


class _RunsSource:
    """What :class:`trackwell.apis.api.Runs` needs of an ``Api``: the client and the wrapper."""

    def __init__(self, client: ApiClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url

    def _wrap(self, out: RunOut) -> Run:
        return Run(self.client, self.base_url, out)


class Sweep:
    """One sweep, read when made (``load()`` reads it again)."""

    def __init__(self, client: ApiClient, base_url: str, attrs: dict[str, Any]) -> None:
        self._client = client
        self._base_url = base_url
        self._sweeps = SweepClient(client)
        self._runs: Runs | None = None
        self._set(attrs)

    @classmethod
    def get(cls, client: ApiClient, base_url: str, entity: str, project: str, sweep_id: str) -> Sweep:
        return cls(client, base_url, SweepClient(client).get_sweep(entity, project, sweep_id))

    def _set(self, attrs: dict[str, Any]) -> None:
        self._attrs = attrs
        self.id: str = str(attrs["id"])
        self.entity: str = str(attrs["entity"])
        self.project: str = str(attrs["project"])

    def load(self, force: bool = False) -> dict[str, Any]:
        """Read the sweep again (its state, counts and best run change while it runs)."""
        self._set(self._sweeps.get_sweep(self.entity, self.project, self.id))
        self._runs = None
        return self._attrs

    def __repr__(self) -> str:
        return f"<Sweep {self.entity}/{self.project}/{self.id} ({self.state})>"

    # --- wandb's attributes -------------------------------------------------------------------

    @property
    def name(self) -> str:
        return str(self._attrs.get("name") or self.config.get("name") or self.id)

    @property
    def config(self) -> dict[str, Any]:
        return dict(self._attrs.get("config") or {})

    @property
    def state(self) -> str:
        raw = str(self._attrs.get("state") or "")
        return WANDB_STATES.get(raw, raw.upper())

    @property
    def description(self) -> str | None:
        return self._attrs.get("description")

    @property
    def method(self) -> str:
        return str(self._attrs.get("method") or self.config.get("method") or "")

    @property
    def expected_run_count(self) -> int | None:
        """The grid's size (capped by ``run_cap``), ``run_cap``, or None when unbounded."""
        value = self._attrs.get("expected_run_count")
        return int(value) if value is not None else None

    @property
    def run_count(self) -> int:
        return int(self._attrs.get("run_count") or 0)

    @property
    def path(self) -> list[str]:
        return [self.entity, self.project, self.id]

    @property
    def url(self) -> str:
        return sweep_url(self._base_url, self.entity, self.project, self.id)

    @property
    def order(self) -> str | None:
        """wandb's default sort for ``best_run``: the metric, best first (None without a metric)."""
        metric = self.config.get("metric")
        if not isinstance(metric, dict) or not metric.get("name"):
            return None
        name = metric["name"]
        sign = "-" if metric.get("goal") == "maximize" else "+"
        return f"{sign}summary_metrics.{name}"

    @property
    def runs(self) -> Runs:
        """The sweep's runs (public ``Run`` objects), oldest first, fetched as iterated."""
        if self._runs is None:
            self._runs = self._query(order="+created_at", per_page=50)
        return self._runs

    def best_run(self, order: str | None = None) -> Run | None:
        """The best run: by the sweep's metric (its best logged value) when ``order`` is None,
        else the first run sorted by ``order``; None when there is none yet."""
        if order is None:
            best = self._attrs.get("best_run_id")
            if best:
                return Run(
                    self._client, self._base_url, self._client.get_run(self.entity, self.project, best)
                )
            if self.order is not None:
                return None  # no run has logged the metric yet
            order = "-created_at"  # no metric: wandb returns the most recent run
        try:
            return self._query(order=format_order_key(order), per_page=1)[0]
        except IndexError:
            return None

    def agents(self) -> list[dict[str, Any]]:
        """The agents registered on the sweep (``AgentOut`` as dicts: id, host, state, heartbeat_at)."""
        return self._sweeps.list_agents(self.entity, self.project, self.id)

    def trials(self) -> list[dict[str, Any]]:
        """The sweep's trials with their proposed parameters and contributed value, best first
        (``SweepRunOut`` as dicts; includes proposals not started yet, state ``leased``)."""
        return self._sweeps.sweep_runs(self.entity, self.project, self.id)

    def _query(self, *, order: str, per_page: int) -> Runs:
        from trackwell.apis.api import Runs

        source: Any = _RunsSource(self._client, self._base_url)
        return Runs(source, self.entity, self.project, {"sweep": self.id}, order, per_page)


def format_order_key(order: str) -> str:
    """wandb's ``QueryGenerator.format_order_key``: a bare key is a summary metric."""
    text = order.strip()
    sign = text[0] if text[:1] in ("+", "-") else "+"
    key = text[1:] if text[:1] in ("+", "-") else text
    if not key:
        raise InvalidArgument(f"order {order!r} names no key", field="order", hint="e.g. '-val/accuracy'")
    if key.startswith(("config.", "summary_metrics.")) or key in _RUN_COLUMNS:
        return sign + key
    return f"{sign}summary_metrics.{key}"


def get_sweep(api: Api, path: str) -> Sweep:
    """``Api().sweep(path)``: "entity/project/id", "project/id" or the id (the Api's project)."""
    where = parse_sweep_path(path)
    project = where.project or api.settings.project
    if project is None:
        raise InvalidArgument(
            f"sweep path {path!r} names no project",
            field="path",
            hint="pass 'entity/project/sweep_id' or set WANDB_PROJECT",
        )
    entity = where.entity or api.default_entity
    return Sweep.get(api.client, api.base_url, entity, project, where.sweep_id)


def project_sweeps(api: Api, entity: str, project: str) -> list[Sweep]:
    """``Project.sweeps()``: the project's sweeps, newest first."""
    return [Sweep(api.client, api.base_url, s) for s in SweepClient(api.client).list_sweeps(entity, project)]
