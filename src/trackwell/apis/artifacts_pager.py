"""The lazy paginators of the public API's artifact calls, with wandb's ``SizedPaginator`` manners,
and the two of them that list versions: ``Artifacts`` (a collection's) and ``RunArtifacts`` (what a
run logged or used).

Why lazy: a project can hold thousands of versions; ``for art in coll.artifacts()`` fetches
``per_page`` at a time as it goes, ``len()`` costs one request (the server's ``total``), and
``[i]`` fetches only up to ``i``. Versions come back as the SDK's ``Artifact``
(``apis.artifacts_query.artifact_from``), so ``download()``, ``save()``, ``logged_by()`` and
``used_by()`` are the same methods a training run has.

Imports: ``trackwell.schema``, the SDK's HTTP client; the Artifact class lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from trackwell.apis.artifacts_query import (
    ArtifactLookupError,
    artifact_from,
    describe_collections,
    routes_for,
)
from trackwell.schema.artifact_rules import check_artifact_name
from trackwell.schema.artifacts import ArtifactVersionOut
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.sdk.api_client import ApiClient

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact

T = TypeVar("T")
DEFAULT_PER_PAGE = 50
# One page: (how many rows the server sent, the objects kept of them, the server's total).
Page = tuple[int, list[T], int]

__all__ = ["Artifacts", "Page", "Paginator", "RunArtifacts"]


class Paginator(Generic[T]):
    """wandb's ``SizedPaginator``: iterate (or ``next()``), index, slice and ``len()``.

    ``objects`` holds what has been fetched; each further page is asked for only when the caller
    reaches past it. Pages are ``limit``/``offset`` windows of the server's list.
    """

    def __init__(self, per_page: int | None) -> None:
        per_page = DEFAULT_PER_PAGE if per_page is None else per_page  # wandb: None = the default
        if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page < 1:
            raise InvalidArgument(f"per_page={per_page!r} must be a positive integer", field="per_page")
        self.per_page = per_page
        self.objects: list[T] = []
        self.index = -1
        self._offset = 0
        self._total: int | None = None

    def _fetch(self, limit: int, offset: int) -> Page[T]:  # pragma: no cover - every subclass has one
        raise NotImplementedError

    @property
    def more(self) -> bool:
        return self._total is None or self._offset < self._total

    def _load_page(self) -> bool:
        """Fetch the next page; False when there is nothing more."""
        if not self.more:
            return False
        sent, kept, total = self._fetch(self.per_page, self._offset)
        self._offset += sent
        self._total = total
        self.objects.extend(kept)
        if sent == 0:  # rows deleted while paging: stop at what exists
            self._total = self._offset
        return sent > 0

    @property
    def length(self) -> int:
        """The server's count (before any client-side filter such as ``tags``), as wandb's."""
        if self._total is None:
            self._load_page()
        return self._total or 0

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[T]:
        index = 0
        while True:
            while index < len(self.objects):
                yield self.objects[index]
                index += 1
            if not self._load_page():
                return

    def __next__(self) -> T:
        """``next(paginator)`` as in wandb (its own cursor, apart from ``for`` loops)."""
        self.index += 1
        while self.index >= len(self.objects):
            if not self._load_page():
                raise StopIteration
        return self.objects[self.index]

    next = __next__

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            ends = (index.start or 0, -1 if index.stop is None else index.stop)
            needed = None if min(ends) < 0 else index.stop  # counted from the end: needs everything
        else:
            needed = None if index < 0 else index + 1
        while (needed is None or len(self.objects) < needed) and self._load_page():
            pass
        return self.objects[index]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ({'?' if self._total is None else self._total})>"


def _version_pager(
    fetch: Callable[[int, int], Any], client: ApiClient, keep: Callable[[ArtifactVersionOut], bool]
) -> Callable[[int, int], Page[Artifact]]:
    def page(limit: int, offset: int) -> Page[Artifact]:
        answer = fetch(limit, offset)
        kept = [artifact_from(client, v) for v in answer.versions if keep(v)]
        return len(answer.versions), kept, answer.total

    return page


class Artifacts(Paginator["Artifact"]):
    """The versions of one collection, newest first (``Api().artifacts(type, name)``,
    ``collection.artifacts()``). Committed versions only; ``tags`` keeps versions holding all of
    them (``len()`` stays the server's count, as in wandb)."""

    def __init__(
        self,
        client: ApiClient,
        entity: str,
        project: str,
        collection_name: str,
        type: str,
        per_page: int | None = 50,
        tags: str | list[str] | None = None,
    ) -> None:
        super().__init__(per_page)
        self.client = client
        self.entity = entity
        self.project = project
        self.collection_name = check_artifact_name(collection_name)
        self.type = type
        self.tags = [tags] if isinstance(tags, str) else list(tags or [])
        required = set(self.tags)
        routes = routes_for(client)

        def fetch(limit: int, offset: int) -> Any:
            try:
                answer = routes.versions(entity, project, collection_name, limit=limit, offset=offset)
            except NotFound as exc:
                raise ArtifactLookupError(
                    f"artifact collection '{collection_name}' not found in '{entity}/{project}' "
                    f"({describe_collections(client, entity, project)})",
                    exc,
                ) from None
            wrong = next((v.type for v in answer.versions if v.type != type), None)
            if wrong is not None:
                where = f"{entity}/{project}/{collection_name}"
                raise ArtifactLookupError(f"artifact collection '{where}' is of type '{wrong}', not '{type}'")
            return answer

        self._page = _version_pager(
            fetch, client, lambda v: v.state == "COMMITTED" and required.issubset(v.tags)
        )

    def _fetch(self, limit: int, offset: int) -> Page[Artifact]:
        return self._page(limit, offset)

    def __repr__(self) -> str:
        return f"<Artifacts {self.entity}/{self.project}/{self.collection_name} ({self.type})>"


class RunArtifacts(Paginator["Artifact"]):
    """``run.logged_artifacts()`` / ``run.used_artifacts()``: the versions a run logged or used."""

    def __init__(self, client: ApiClient, run: Any, mode: str = "logged", per_page: int | None = 100) -> None:
        if mode not in ("logged", "used"):
            raise InvalidArgument(f"mode={mode!r} must be 'logged' or 'used'", field="mode")
        super().__init__(per_page)
        self.run = run
        self.mode = mode
        routes = routes_for(client)

        def fetch(limit: int, offset: int) -> Any:
            return routes.run_artifacts(run.entity, run.project, run.id, mode, limit=limit, offset=offset)

        self._page = _version_pager(fetch, client, lambda v: v.state != "DELETED")

    def _fetch(self, limit: int, offset: int) -> Page[Artifact]:
        return self._page(limit, offset)

    def __repr__(self) -> str:
        return f"<RunArtifacts {self.mode} by {self.run.entity}/{self.run.project}/{self.run.id}>"
