"""``Api()``: wandb's public query API (``wandb.Api``) over trackwell's HTTP API.

Why: analysis scripts and notebooks read runs back with ``wandb.Api().runs("entity/project",
filters={...})``; those scripts must run unchanged. Filters are MongoDB-style dicts that the server
evaluates in SQL; ``Runs`` fetches pages lazily, so ``len(runs)`` costs one request and iterating a
10 000-run project never loads it all at once.

Paths may omit the entity ("project", "project/run_id"): the viewer's default entity is used.

Imports: ``trackwell.schema`` and the SDK's settings, login (endpoint resolution) and HTTP client.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, overload

from trackwell.apis import artifacts_query as _artifacts
from trackwell.apis.artifacts import (
    ArtifactCollection,
    ArtifactCollections,
    Artifacts,
    ArtifactType,
    ArtifactTypes,
)
from trackwell.apis.files import iso_time
from trackwell.apis.identity_http import IdentityRoutes
from trackwell.apis.run import Run
from trackwell.apis.teams import Team
from trackwell.apis.users import User
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.names import url_path
from trackwell.schema.runs import ProjectOut, RunOut
from trackwell.sdk.login import resolve_endpoint
from trackwell.sdk.settings import Settings

if TYPE_CHECKING:
    from trackwell.apis.sweeps import Sweep
    from trackwell.artifacts.artifact import Artifact


class Project:
    """One project (``Api().project(name)``, ``Api().projects()``), with wandb's attributes.

    ``created_at`` is an ISO 8601 string as in wandb (None for a project that has no runs yet);
    ``run_count``, ``running_count`` and ``last_activity`` are trackwell's extras.
    """

    def __init__(self, api: Api, entity: str, name: str, out: ProjectOut | None = None) -> None:
        self._api = api
        self.name = name
        self.entity = entity
        self.run_count = out.run_count if out else 0
        self.running_count = out.running_count if out else 0
        self.created_at = iso_time(out.created_at) if out else None
        self.last_activity = iso_time(out.last_activity) if out else None

    @property
    def id(self) -> str:
        """The project's id across entities, in wandb's format (base64 of ``Project:v1:...``)."""
        return base64.b64encode(f"Project:v1:{self.name}:{self.entity}".encode()).decode()

    @property
    def path(self) -> list[str]:
        return [self.entity, self.name]

    @property
    def url(self) -> str:
        """The project's page in the UI (wandb: ``<app>/<entity>/<project>/workspace``)."""
        return f"{self._api.base_url}/{url_path(self.entity, self.name)}"

    def artifacts_types(self, per_page: int | None = 50) -> ArtifactTypes:
        """The artifact types of this project (wandb's name, with its "artifacts_")."""
        return ArtifactTypes(self._api.client, self.entity, self.name, per_page)

    def sweeps(self) -> list[Sweep]:
        """The project's sweeps (``apis/sweeps.py``), newest first."""
        from trackwell.apis.sweeps import project_sweeps

        return project_sweeps(self._api, self.entity, self.name)

    def __repr__(self) -> str:
        return f"<Project {self.entity}/{self.name}>"


class Runs:
    """A lazily paged, indexable list of runs matching a query."""

    def __init__(
        self,
        api: Api,
        entity: str,
        project: str,
        filters: Mapping[str, Any] | None,
        order: str,
        per_page: int,
    ) -> None:
        if per_page < 1:
            raise InvalidArgument(f"per_page={per_page} must be at least 1", field="per_page")
        self._api = api
        self.entity = entity
        self.project = project
        self.filters = dict(filters or {})
        self.order = order
        self.per_page = per_page
        self._loaded: list[Run] = []
        self._total: int | None = None

    def __repr__(self) -> str:
        return f"<Runs {self.entity}/{self.project}>"

    def _more(self) -> bool:
        """Fetch the next page; False when everything is loaded."""
        if self._total is not None and len(self._loaded) >= self._total:
            return False
        page = self._api.client.query_runs(
            self.entity, self.project, self.filters, self.order, self.per_page, len(self._loaded)
        )
        self._total = page.total
        self._loaded.extend(self._api._wrap(r) for r in page.runs)
        if not page.runs:  # runs deleted while paging: stop at what exists
            self._total = len(self._loaded)
        return bool(page.runs)

    def __len__(self) -> int:
        if self._total is None:
            self._more()
        return self._total or 0

    def __iter__(self) -> Iterator[Run]:
        index = 0
        while True:
            while index < len(self._loaded):
                yield self._loaded[index]
                index += 1
            if not self._more():
                return

    @overload
    def __getitem__(self, index: int) -> Run: ...
    @overload
    def __getitem__(self, index: slice) -> list[Run]: ...
    def __getitem__(self, index: int | slice) -> Run | list[Run]:
        if isinstance(index, slice) or index < 0:
            # Negative indexes and slices need the whole list.
            while self._more():
                pass
            return self._loaded[index]
        while index >= len(self._loaded) and self._more():
            pass
        return self._loaded[index]


class Api:
    """wandb-compatible public API.

    Example::

        api = Api()
        for run in api.runs("my-project", filters={"config.lr": {"$gt": 0.01}}):
            print(run.name, run.summary.get("loss"))
    """

    def __init__(
        self,
        overrides: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        api_key: str | None = None,
        *,
        settings: Settings | None = None,
    ) -> None:
        overrides = dict(overrides or {})
        unknown = set(overrides) - {"entity", "project", "base_url"}
        if unknown:
            raise InvalidArgument(
                f"unknown Api override {sorted(unknown)[0]!r}",
                field="overrides",
                hint="allowed keys: entity, project, base_url",
            )
        base = settings or Settings.resolve()
        self.settings = base.updated(api_key=api_key, http_timeout=timeout, **overrides)
        endpoint = resolve_endpoint(self.settings)
        self.base_url = endpoint.url
        self.client = endpoint.client(timeout=self.settings.http_timeout)
        self._viewer: User | None = None
        self.identity = IdentityRoutes(self.client)

    def __repr__(self) -> str:
        return f"<Api {self.base_url}>"

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    @property
    def viewer(self) -> User:
        """The user whose key this is (wandb's ``Api().viewer``): ``username``, ``entity``,
        ``email``, ``admin``, ``teams``."""
        if self._viewer is None:
            self._viewer = User(self.identity, self.identity.viewer())
        return self._viewer

    @property
    def default_entity(self) -> str:
        return self.settings.entity or self.viewer.entity

    def flush(self) -> None:
        """wandb clears its caches here; trackwell caches nothing but the viewer."""
        self._viewer = None

    # --- users and teams (apis/users.py, apis/teams.py; docs/server.md) ---------------------------

    def create_user(self, email: str, admin: bool = False) -> User:
        """A new user (server admins only); ``admin=True`` makes a server admin."""
        return User.create(self.identity, email, admin)

    def user(self, username_or_email: str) -> User | None:
        """One user by username or email; None when there is none (as in wandb). A server admin
        sees every user, anyone else only themselves."""
        try:
            return User(self.identity, self.identity.user(username_or_email))
        except NotFound:
            return None

    def users(self, username_or_email: str) -> list[User]:
        """Users whose username or email contains the text (server admins only)."""
        text = username_or_email.lower()
        return [
            User(self.identity, u)
            for u in self.identity.users()
            if text in str(u.get("username", "")).lower() or text in str(u.get("email") or "").lower()
        ]

    def create_team(self, team: str, admin_username: str | None = None) -> Team:
        """A new team with ``admin_username`` (default: you) as its admin; a team that exists is
        handed back, as in wandb."""
        return Team.create(self.identity, team, admin_username)

    def team(self, team: str) -> Team:
        """One team with its members (``NotFound`` when it does not exist or you cannot see it)."""
        return Team(self.identity, team)

    def projects(self, entity: str | None = None, per_page: int = 50) -> list[Project]:
        """The entity's projects (default: the viewer's), newest activity first."""
        entity = entity or self.default_entity
        return [Project(self, p.entity, p.name, p) for p in self.client.list_projects(entity).projects]

    def project(self, name: str, entity: str | None = None) -> Project:
        """One project by name. Like wandb, a project that has no runs yet is not an error."""
        entity = entity or self.default_entity
        found = self.client.list_projects(entity, search=name).projects
        out = next((p for p in found if p.name == name and p.entity == entity), None)
        return Project(self, entity, name, out)

    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, Any] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        lazy: bool = True,
    ) -> Runs:
        """Runs of a project ("entity/project" or "project"), filtered MongoDB-style and ordered.

        ``order`` is wandb's: ``[+|-]created_at``, ``heartbeat_at``, ``config.<key>`` (or
        ``config.<key>.value``), ``summary_metrics.<key>``; ``+`` (or no sign) ascending, ``-``
        descending; default oldest first. Runs are fetched ``per_page`` at a time as they are
        iterated. ``include_sweeps`` and ``lazy`` are accepted for wandb code and change nothing.
        """
        entity, project = self._project_path(path)
        return Runs(self, entity, project, filters, order or "+created_at", per_page)

    def run(self, path: str) -> Run:
        """One run: "entity/project/run_id", "project/run_id" or "entity/project/runs/run_id"."""
        parts = [p for p in path.strip("/").split("/") if p]
        if len(parts) == 4 and parts[2] == "runs":
            parts = [parts[0], parts[1], parts[3]]
        if len(parts) == 2:
            parts = [self.default_entity, *parts]
        if len(parts) != 3:
            raise InvalidArgument(
                f"run path {path!r} is not entity/project/run_id",
                field="path",
                hint="e.g. 'my-team/mnist/1a2b3c'",
            )
        return self._wrap(self.client.get_run(*parts))

    def sweep(self, path: str) -> Sweep:
        """One sweep: "entity/project/sweep_id", "project/sweep_id" or the id (the Api's project)."""
        from trackwell.apis.sweeps import get_sweep

        return get_sweep(self, path)

    # --- artifacts (apis/artifacts.py, apis/artifacts_query.py) ---------------------------------

    def artifact(self, name: str, type: str | None = None) -> Artifact:
        """One version: "entity/project/name:alias", "project/name:v3" or "name:latest" (the
        Api's entity and project, else wandb's "uncategorized"). Unknown -> ``CommError`` (also a
        ``ValueError``) naming what exists; ``type`` given and different -> the same."""
        return _artifacts.get_artifact(self, name, type)

    def artifact_exists(self, name: str, type: str | None = None) -> bool:
        return _artifacts.artifact_exists(self, name, type)

    def artifact_collection_exists(self, name: str, type: str) -> bool:
        try:
            self.artifact_collection(type, name)
        except _artifacts.ArtifactLookupError:
            return False
        return True

    def artifacts(
        self, type_name: str, name: str, per_page: int | None = 50, tags: str | list[str] | None = None
    ) -> Artifacts:
        """The versions of collection ``name`` ("[entity/][project/]name"), newest first."""
        path = _artifacts.resolve_path(self, name)
        return Artifacts(self.client, path.entity, path.project, path.name, type_name, per_page, tags)

    def artifact_versions(self, type_name: str, name: str, per_page: int | None = 50) -> Artifacts:
        """wandb's older name of :meth:`artifacts` (deprecated there too, with this warning)."""
        from trackwell.sdk import term

        term.termwarn(
            "Api.artifact_versions(type_name, name) is deprecated, "
            "use Api.artifacts(type_name, name) instead."
        )
        return self.artifacts(type_name, name, per_page=per_page)

    def artifact_types(self, project: str | None = None) -> ArtifactTypes:
        entity, project_name = self._project_path(project)
        return ArtifactTypes(self.client, entity, project_name)

    def artifact_type(self, type_name: str, project: str | None = None) -> ArtifactType:
        entity, project_name = self._project_path(project)
        return ArtifactType(self.client, entity, project_name, type_name)

    def artifact_collections(
        self, project_name: str, type_name: str, per_page: int | None = 50
    ) -> ArtifactCollections:
        entity, project = self._project_path(project_name)
        return ArtifactCollections(self.client, entity, project, type_name, per_page)

    def artifact_collection(self, type_name: str, name: str) -> ArtifactCollection:
        path = _artifacts.resolve_path(self, name)
        return ArtifactCollection(self.client, path.entity, path.project, path.name, type_name)

    def _project_path(self, path: str | None) -> tuple[str, str]:
        parts = [p for p in (path or "").strip("/").split("/") if p]
        if not parts:
            if not self.settings.project:
                raise InvalidArgument(
                    "no project given", field="path", hint="pass 'entity/project' or set WANDB_PROJECT"
                )
            parts = [self.settings.project]
        if len(parts) == 1:
            return self.default_entity, parts[0]
        if len(parts) == 2:
            return parts[0], parts[1]
        raise InvalidArgument(
            f"project path {path!r} is not entity/project", field="path", hint="e.g. 'my-team/mnist'"
        )

    def _wrap(self, out: RunOut) -> Run:
        return Run(self.client, self.base_url, out)
