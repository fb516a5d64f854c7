"""The public API's artifact types and collections with wandb's names: ``ArtifactTypes``/
``ArtifactType`` and ``ArtifactCollections``/``ArtifactCollection`` (``name``, ``type``,
``description``, ``aliases``, ``artifacts()``, ``save()``, ``delete()``). The version paginators
(``Artifacts``, ``RunArtifacts``) are in ``apis/artifacts_pager.py`` and exported here too.

Imports: ``trackwell.schema``, the SDK's HTTP client.
"""

from __future__ import annotations

import base64

from trackwell.apis.artifacts_pager import Artifacts, Page, Paginator, RunArtifacts
from trackwell.apis.artifacts_query import ArtifactLookupError, describe_collections, routes_for
from trackwell.apis.files import iso_time
from trackwell.schema.artifact_rules import check_artifact_name, check_artifact_type
from trackwell.schema.artifacts import ArtifactCollectionOut, ArtifactTypeOut
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.sdk.api_client import ApiClient

__all__ = [
    "ArtifactCollection",
    "ArtifactCollections",
    "ArtifactType",
    "ArtifactTypes",
    "Artifacts",
    "Paginator",
    "RunArtifacts",
]


class ArtifactCollection:
    """One collection (wandb: artifact sequence or portfolio): ``name``, ``type``, ``description``,
    ``aliases`` (every alias in use), ``artifacts()``, ``save()`` (the description) and
    ``delete()`` (every version)."""

    def __init__(
        self,
        client: ApiClient,
        entity: str,
        project: str,
        name: str,
        type: str,
        attrs: ArtifactCollectionOut | None = None,
    ) -> None:
        self.client = client
        self.entity = entity
        self.project = project
        self._saved_name = check_artifact_name(name)
        if attrs is None:
            attrs = self._load(type)
        self._set(attrs)

    def _load(self, type_name: str) -> ArtifactCollectionOut:
        try:
            out = routes_for(self.client).collection(self.entity, self.project, self._saved_name)
        except NotFound as exc:
            raise ArtifactLookupError(
                f"artifact collection '{self._saved_name}' not found in '{self.entity}/{self.project}' "
                f"({describe_collections(self.client, self.entity, self.project)})",
                exc,
            ) from None
        if out.type != type_name:
            raise ArtifactLookupError(
                f"artifact collection '{self.entity}/{self.project}/{out.name}' is of type "
                f"'{out.type}', not '{type_name}'"
            )
        return out

    def _set(self, out: ArtifactCollectionOut) -> None:
        self._attrs = out
        self._name = out.name
        self._type = out.type
        self._saved_type = out.type
        self.description = out.description
        self.aliases = list(out.aliases)
        self.tags: list[str] = []
        self.version_count = out.version_count
        self.latest_version = out.latest_version

    @property
    def id(self) -> str:
        """Stable across calls (base64 of ``ArtifactCollection:v1:entity/project/name``)."""
        key = f"ArtifactCollection:v1:{self.entity}/{self.project}/{self._saved_name}"
        return base64.b64encode(key.encode()).decode()

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = check_artifact_name(value)

    @property
    def type(self) -> str:
        return self._type

    @type.setter
    def type(self, value: str) -> None:
        self._type = check_artifact_type(value)

    @property
    def created_at(self) -> str | None:
        return iso_time(self._attrs.created_at)

    @property
    def updated_at(self) -> str | None:
        return iso_time(self._attrs.updated_at)

    def is_sequence(self) -> bool:
        """False for a portfolio (a registry collection of links, ``artifact.link()``)."""
        return self._attrs.kind == "sequence"

    def artifacts(self, per_page: int | None = 50) -> Artifacts:
        return Artifacts(self.client, self.entity, self.project, self._saved_name, self._saved_type, per_page)

    def load(self) -> ArtifactCollectionOut:
        """Read the collection again (its aliases and version count move as versions are logged)."""
        self._set(self._load(self._saved_type))
        return self._attrs

    def save(self) -> None:
        """Store the edited ``description``. trackwell collections keep their name and type and
        hold no tags of their own (tag versions instead: ``artifact.tags``)."""
        if self._name != self._saved_name or self._type != self._saved_type:
            raise InvalidArgument(
                f"artifact collection '{self._saved_name}' cannot be renamed or change type in trackwell",
                field="name" if self._name != self._saved_name else "type",
                hint="log the files under the new name instead (artifact.save() of a new Artifact)",
            )
        if self.tags:
            raise InvalidArgument(
                "artifact collections hold no tags in trackwell",
                field="tags",
                hint="tag the versions instead: art.tags.append('x'); art.save()",
            )
        routes = routes_for(self.client)
        self._set(routes.update_collection(self.entity, self.project, self._saved_name, self.description))

    def delete(self) -> None:
        """Delete the collection and every version in it."""
        routes_for(self.client).delete_collection(self.entity, self.project, self._saved_name)

    def __repr__(self) -> str:
        return f"<ArtifactCollection {self._name} ({self._type})>"


class ArtifactCollections(Paginator[ArtifactCollection]):
    """The collections of one type in a project (``Api().artifact_collections(project, type)``)."""

    def __init__(
        self, client: ApiClient, entity: str, project: str, type_name: str, per_page: int | None = 50
    ) -> None:
        super().__init__(per_page)
        self.client = client
        self.entity = entity
        self.project = project
        self.type_name = type_name

    def _fetch(self, limit: int, offset: int) -> Page[ArtifactCollection]:
        answer = routes_for(self.client).collections(
            self.entity, self.project, type_name=self.type_name, limit=limit, offset=offset
        )
        kept = [
            ArtifactCollection(self.client, self.entity, self.project, c.name, c.type, attrs=c)
            for c in answer.collections
        ]
        return len(answer.collections), kept, answer.total

    def __repr__(self) -> str:
        return f"<ArtifactCollections {self.entity}/{self.project} ({self.type_name})>"


class ArtifactType:
    """One artifact type of a project: ``name``, ``collections()``, ``collection(name)``."""

    def __init__(
        self,
        client: ApiClient,
        entity: str,
        project: str,
        type_name: str,
        attrs: ArtifactTypeOut | None = None,
    ) -> None:
        self.client = client
        self.entity = entity
        self.project = project
        self.type = type_name
        self._attrs = attrs or self._load()

    def _load(self) -> ArtifactTypeOut:
        listed = routes_for(self.client).types(self.entity, self.project).types
        found = next((t for t in listed if t.name == self.type), None)
        if found is None:
            names = ", ".join(t.name for t in listed) or "none"
            raise ArtifactLookupError(
                f"Could not find artifact type {self.type} in '{self.entity}/{self.project}' (types: {names})"
            )
        return found

    @property
    def id(self) -> str:
        key = f"ArtifactType:v1:{self.entity}/{self.project}/{self.type}"
        return base64.b64encode(key.encode()).decode()

    @property
    def name(self) -> str:
        return self._attrs.name

    @property
    def collection_count(self) -> int:
        return self._attrs.collection_count

    def collections(self, per_page: int | None = 50) -> ArtifactCollections:
        return ArtifactCollections(self.client, self.entity, self.project, self.type, per_page)

    def collection(self, name: str) -> ArtifactCollection:
        return ArtifactCollection(self.client, self.entity, self.project, name, self.type)

    def __repr__(self) -> str:
        return f"<ArtifactType {self.type}>"


class ArtifactTypes(Paginator[ArtifactType]):
    """The artifact types a project holds (``Api().artifact_types(project)``)."""

    def __init__(self, client: ApiClient, entity: str, project: str, per_page: int | None = 50) -> None:
        super().__init__(per_page)
        self.client = client
        self.entity = entity
        self.project = project

    def _fetch(self, limit: int, offset: int) -> Page[ArtifactType]:
        # The types route answers every type at once (a project has a handful).
        listed = routes_for(self.client).types(self.entity, self.project).types
        kept = [ArtifactType(self.client, self.entity, self.project, t.name, attrs=t) for t in listed]
        return len(listed), kept, len(listed)

    def __repr__(self) -> str:
        return f"<ArtifactTypes {self.entity}/{self.project}>"
