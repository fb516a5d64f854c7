"""The sweep routes of ``/api/v1`` as the SDK calls them (docs/sweeps.md, "HTTP routes").

One method per route, plain dicts in and out (the JSON of ``schema/sweeps.py``'s models), never
pydantic: ``trackwell.agent()`` runs in a training process, which must not pay for importing
pydantic (docs/architecture.md). The requests go through the SDK's
:class:`~trackwell.sdk.transport.HttpTransport` (one keep-alive connection per thread, proxies, CA
bundles, the API key scrubbed from errors, HTTP errors turned back into domain exceptions: a 400
``invalid_sweep_config`` arrives as :class:`~trackwell.schema.errors.SweepConfigInvalid` with every
problem, a missing sweep as ``NotFound``; network failures and 5xx as the retryable
:class:`~trackwell.sdk.transport.TransportError`).

Also here, for every caller (``trackwell.sweep``/``agent``, the CLI, ``Api().sweep``): how a sweep
path ``id`` / ``project/id`` / ``entity/project/id`` is read (:func:`parse_sweep_path`) and the
sweep page's address (:func:`sweep_url`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.names import url_path
from trackwell.sdk.route_client import RouteClient
from trackwell.sdk.transport import TransportError

__all__ = ["SweepClient", "SweepPath", "TransportError", "parse_sweep_path", "sweep_url"]


class SweepPath:
    """A sweep named by ``id``, ``project/id`` or ``entity/project/id``: the parts not given are None
    (the caller fills them from its arguments, the environment, the viewer)."""

    __slots__ = ("entity", "project", "sweep_id")

    def __init__(self, entity: str | None, project: str | None, sweep_id: str) -> None:
        self.entity = entity
        self.project = project
        self.sweep_id = sweep_id

    def __repr__(self) -> str:
        return f"SweepPath({self.entity!r}, {self.project!r}, {self.sweep_id!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SweepPath):
            return NotImplemented
        return (self.entity, self.project, self.sweep_id) == (other.entity, other.project, other.sweep_id)

    __hash__ = None  # type: ignore[assignment]


def parse_sweep_path(path: str, entity: str | None = None, project: str | None = None) -> SweepPath:
    """Split wandb's sweep path; parts in ``path`` win over ``entity``/``project`` (as in wandb's
    agent, where ``wandb agent e/p/id`` ignores ``--project``).

    A ``/sweeps/`` segment (a pasted sweep page address ``entity/project/sweeps/id``) is accepted.
    """
    if not isinstance(path, str) or not path.strip():
        raise InvalidArgument(
            f"a sweep id must be a non-empty string, got {path!r}",
            field="sweep_id",
            hint="pass the id trackwell.sweep() returned, e.g. 'k3x9q2ab' or 'entity/project/k3x9q2ab'",
        )
    parts = [p for p in path.strip().strip("/").split("/") if p]
    if len(parts) == 4 and parts[2] == "sweeps":
        parts = [parts[0], parts[1], parts[3]]
    if len(parts) == 1:
        return SweepPath(entity, project, parts[0])
    if len(parts) == 2:
        return SweepPath(entity, parts[0], parts[1])
    if len(parts) == 3:
        return SweepPath(parts[0], parts[1], parts[2])
    raise InvalidArgument(
        f"sweep path {path!r} has {len(parts)} parts",
        field="sweep_id",
        hint="use 'id', 'project/id' or 'entity/project/id'",
    )


def sweep_url(app_url: str, entity: str, project: str, sweep_id: str) -> str:
    """The sweep's page in the UI: ``<app>/<entity>/<project>/sweeps/<id>`` (wandb's address)."""
    return f"{app_url.rstrip('/')}/{url_path(entity, project, 'sweeps', sweep_id)}"


class SweepClient(RouteClient):
    """The sweep routes for one server, over ``transport`` (an ``ApiClient`` or any
    ``HttpTransport``; thread-safe, each thread gets its own connection)."""

    # --- sweeps -----------------------------------------------------------------------------

    def create_sweep(
        self, entity: str, project: str, config: Mapping[str, Any], prior_runs: list[str] | None = None
    ) -> dict[str, Any]:
        """``POST /sweeps/{entity}/{project}`` (``SweepCreate`` -> ``SweepOut``). Raises
        ``SweepConfigInvalid`` listing every problem; nothing is created then."""
        body = {"config": dict(config), "prior_runs": list(prior_runs or [])}
        return self._json("POST", self._project(entity, project), body)

    def list_sweeps(self, entity: str, project: str) -> list[dict[str, Any]]:
        """``GET /sweeps/{entity}/{project}``: the project's sweeps (``SweepOut``), newest first."""
        sweeps = self._json("GET", self._project(entity, project)).get("sweeps")
        return list(sweeps) if isinstance(sweeps, list) else []

    def get_sweep(self, entity: str, project: str, sweep_id: str) -> dict[str, Any]:
        """``GET /sweeps/{entity}/{project}/{sweep_id}`` -> ``SweepOut`` (``NotFound`` if none)."""
        return self._json("GET", self._sweep(entity, project, sweep_id))

    def update_sweep(
        self,
        entity: str,
        project: str,
        sweep_id: str,
        *,
        state: str | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``PATCH``: ``state`` running (resume) / paused / finished (W&B's --stop) / cancelled;
        ``config``: W&B's ``--update`` (method and parameter names must stay)."""
        body: dict[str, Any] = {}
        if state is not None:
            body["state"] = state
        if config is not None:
            body["config"] = dict(config)
        return self._json("PATCH", self._sweep(entity, project, sweep_id), body)

    def sweep_runs(self, entity: str, project: str, sweep_id: str) -> list[dict[str, Any]]:
        """``GET .../{sweep_id}/runs``: the trials (``SweepRunOut``: run_id, state, flat params,
        best value), best first."""
        runs = self._json("GET", self._sweep(entity, project, sweep_id) + "/runs").get("runs")
        return list(runs) if isinstance(runs, list) else []

    # --- agents -----------------------------------------------------------------------------

    def create_agent(
        self,
        entity: str,
        project: str,
        sweep_id: str,
        *,
        host: str | None = None,
        name: str | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """``POST .../{sweep_id}/agents`` (``AgentCreate`` -> ``AgentOut``: ``id`` is what
        :meth:`heartbeat` needs)."""
        body = {"host": host, "name": name, "count": count}
        path = self._sweep(entity, project, sweep_id) + "/agents"
        return self._json("POST", path, {k: v for k, v in body.items() if v is not None})

    def list_agents(self, entity: str, project: str, sweep_id: str) -> list[dict[str, Any]]:
        """``GET .../{sweep_id}/agents`` -> ``list[AgentOut]``."""
        answer = self.transport._json("GET", self._sweep(entity, project, sweep_id) + "/agents")
        return list(answer) if isinstance(answer, list) else []

    def heartbeat(
        self,
        entity: str,
        project: str,
        sweep_id: str,
        agent_id: str,
        *,
        running: list[str] | None = None,
        finished: Mapping[str, int] | None = None,
        want_run: bool = True,
    ) -> dict[str, Any]:
        """``POST .../agents/{agent_id}/heartbeat`` (``AgentHeartbeat`` -> ``AgentCommands``):
        ``{"commands": [{"type": "run", "run_id", "args": {name: {"value": v}}, "program"} |
        {"type": "stop", "run_id", "reason"} | {"type": "exit", "reason"}], "sweep_state",
        "heartbeat_seconds"}``. ``running``: the run ids live on this agent (keeps their leases);
        ``finished``: run id -> exit code of those that ended since the last heartbeat."""
        body = {"running": list(running or []), "finished": dict(finished or {}), "want_run": want_run}
        path = self._sweep(entity, project, sweep_id) + f"/agents/{_q(agent_id)}/heartbeat"
        return self._json("POST", path, body)

    # --- project-wide -----------------------------------------------------------------------

    def importance(
        self, entity: str, project: str, metric: str, filters: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """``GET /projects/{entity}/{project}/importance`` -> ``ImportanceOut`` (random-forest
        importance and correlation of each config key with ``metric``, over the filtered runs)."""
        query = {"metric": metric, "filters": json.dumps(dict(filters)) if filters else None}
        return self._json("GET", f"/api/v1/projects/{_q(entity)}/{_q(project)}/importance", query=query)

    # --- plumbing ---------------------------------------------------------------------------

    def _project(self, entity: str, project: str) -> str:
        return f"/api/v1/sweeps/{_q(entity)}/{_q(project)}"

    def _sweep(self, entity: str, project: str, sweep_id: str) -> str:
        return f"{self._project(entity, project)}/{_q(sweep_id)}"

    def _encode(self, body: Mapping[str, Any]) -> bytes:
        return _dumps(body)


def _q(segment: str) -> str:
    return url_path(segment)


def _dumps(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), allow_nan=False, default=_plain).encode()


def _plain(value: Any) -> Any:
    """numpy scalars and arrays in a config (``{"values": np.arange(3)}``) as JSON numbers/lists."""
    for method in ("tolist", "item"):
        convert = getattr(value, method, None)
        if callable(convert):
            return convert()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise InvalidArgument(
        f"{type(value).__name__} value {value!r:.80} cannot be sent to the server",
        field="config",
        hint="use plain numbers, strings, lists and dicts in a sweep config",
    )
