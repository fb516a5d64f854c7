"""The names of an artifact version (wandb's semantics), a base class of ``Artifact``.

``name`` is ``"raw-data"`` before logging and ``"raw-data:v3"`` after; ``qualified_name`` adds
``entity/project/``. A version linked into a portfolio collection (``artifact.link``) is named in
that collection (``prod-models:v0``) while the ``source_*`` names say where its files were logged
(``raw-data:v3``). What only exists once logged raises ``ArtifactNotLoggedError`` before, which is
an ``AttributeError`` (``hasattr`` answers False), as in wandb.
"""

from __future__ import annotations

from typing import TypeVar

from trackwell.artifacts.exceptions import ArtifactNotLoggedError

T = TypeVar("T")


class VersionNames:
    """name, version, entity, project, qualified_name and their source_* twins."""

    _collection: str
    _version: str | None
    _entity: str | None
    _project: str | None
    _source: tuple[str, str, str, str] | None  # a linked version's origin: entity, project, name, vN
    _state: str

    def is_draft(self) -> bool:
        return self._state == "PENDING"

    def _logged(self, attr: str, value: T | None) -> T:
        if self.is_draft() or value is None:
            raise ArtifactNotLoggedError(self, attr)
        return value

    @property
    def name(self) -> str:
        """``"raw-data"`` before logging, ``"raw-data:v3"`` after (as wandb)."""
        return f"{self._collection}:{self._version}" if self._version is not None else self._collection

    @property
    def source_name(self) -> str:
        """The name in the collection the files were logged to (differs for a linked version)."""
        return f"{self._source[2]}:{self._source[3]}" if self._source else self.name

    @property
    def version(self) -> str:
        return self._logged("version", self._version)

    @property
    def entity(self) -> str:
        return self._logged("entity", self._entity)

    @property
    def project(self) -> str:
        return self._logged("project", self._project)

    @property
    def qualified_name(self) -> str:
        return f"{self.entity}/{self.project}/{self.name}"

    @property
    def source_entity(self) -> str:
        return self._source[0] if self._source else self.entity

    @property
    def source_project(self) -> str:
        return self._source[1] if self._source else self.project

    @property
    def source_version(self) -> str:
        return self._source[3] if self._source else self.version

    @property
    def source_qualified_name(self) -> str:
        return f"{self.source_entity}/{self.source_project}/{self.source_name}"

    @property
    def is_link(self) -> bool:
        """Whether this is a linked version (in a portfolio collection), not the logged one."""
        return self._source is not None
