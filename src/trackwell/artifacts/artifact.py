"""``trackwell.Artifact`` (``wandb.Artifact``): a versioned set of files, built locally, logged by a run.

Building needs no server: ``add_file``/``add_dir``/``new_file``/``add_reference``/``add`` fill the
manifest (files hashed as they are added, through the per-machine hash cache), and ``digest``,
``size`` and ``manifest`` are known before anything is sent. ``run.log_artifact(artifact)``
(``run_ops``) turns it into a run-log record (``_to_record``) and the saver fills in what the
server answers (``_apply_saved``). Artifacts read back (``use_artifact``, ``Api().artifact``) are
made by ``_from_server`` and fetch their manifest only when it is first needed.

The methods that talk to the server are one-line wrappers over ``trackwell.artifacts.remote``;
what wandb refuses before logging (``ArtifactNotLoggedError``) or after (``ArtifactFinalizedError``)
is refused here, with wandb's exception types. Deviation, documented: ``get_entry`` and ``get``
also work on a draft (wandb refuses them before logging), so an artifact can be checked before
it is logged.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from trackwell.artifacts import building, objects, serialize
from trackwell.artifacts.artifact_names import VersionNames
from trackwell.artifacts.artifact_server import ServerMethods
from trackwell.artifacts.entries import ArtifactManifestEntry
from trackwell.artifacts.exceptions import ArtifactFinalizedError
from trackwell.artifacts.manifest import ArtifactManifest
from trackwell.artifacts.validation import checked, normalize_metadata, string_list, ttl_seconds
from trackwell.schema.artifact_rules import check_alias, check_artifact_name, check_artifact_type

Policy = Literal["mutable", "immutable"]


class Artifact(VersionNames, ServerMethods):
    """A dataset, model or any set of files, versioned by content (wandb's ``Artifact``)."""

    def __init__(
        self,
        name: str,
        type: str,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        incremental: bool = False,
        use_as: str | None = None,
        storage_region: str | None = None,
    ) -> None:
        self._collection: str = checked(check_artifact_name, name)
        self._type: str = checked(check_artifact_type, type)
        self._description = description
        self._metadata: dict[str, Any] = normalize_metadata(metadata)
        self._incremental = bool(incremental)
        self._use_as = use_as
        self._manifest: ArtifactManifest | None = ArtifactManifest()
        self._client: object | None = None
        self._client_id = uuid.uuid4().hex + uuid.uuid4().hex
        self._state = "PENDING"
        self._final = False
        self._record_made = False
        self._id: str | None = None
        self._entity: str | None = None
        self._project: str | None = None
        self._version: str | None = None
        self._source: tuple[str, str, str, str] | None = None  # a linked version's origin
        self._digest: str | None = None
        self._size: int | None = None
        self._file_count: int | None = None
        self._created_at: str | None = None
        self._updated_at: str | None = None
        self._logged_by: dict[str, Any] | None = None
        self._aliases: list[str] = []
        self._saved_aliases: list[str] = []
        self._tags: list[str] = []
        self._saved_tags: list[str] = []
        self._ttl_seconds: int | None = None
        self._distributed_id: str | None = None
        self._tmp: Path | None = None
        self._added_objs: dict[int, tuple[Any, ArtifactManifestEntry]] = {}
        self._added_local_paths: dict[str, ArtifactManifestEntry] = {}

    def __repr__(self) -> str:
        return f"<Artifact {self.id or self.name}>"

    # --- identity -----------------------------------------------------------------------------
    @property
    def id(self) -> str | None:
        """The server's id of this version; None before it is saved."""
        return None if self.is_draft() else self._id

    @property
    def type(self) -> str:
        return self._type

    @property
    def state(self) -> str:
        """``"PENDING"`` until saved, then ``"COMMITTED"`` (``"DELETED"`` once deleted)."""
        return self._state

    # --- editable properties --------------------------------------------------------------------
    @property
    def description(self) -> str | None:
        return self._description

    @description.setter
    def description(self, description: str | None) -> None:
        self._description = description

    @property
    def metadata(self) -> dict[str, Any]:
        """User metadata (JSON); editable, then ``save()`` for a logged artifact."""
        return self._metadata

    @metadata.setter
    def metadata(self, metadata: dict[str, Any]) -> None:
        self._metadata = normalize_metadata(metadata)

    @property
    def ttl(self) -> datetime.timedelta | None:
        """How long the version is kept; None (the default) keeps it forever."""
        return None if self._ttl_seconds is None else datetime.timedelta(seconds=self._ttl_seconds)

    @ttl.setter
    def ttl(self, ttl: datetime.timedelta | None) -> None:
        self._ttl_seconds = ttl_seconds(ttl)

    @property
    def aliases(self) -> list[str]:
        """The version's aliases (``latest``, ``best``...); editable once logged, then ``save()``."""
        self._logged("aliases", True)
        return self._aliases

    @aliases.setter
    def aliases(self, aliases: list[str]) -> None:
        self._logged("aliases", True)
        self._aliases = string_list(aliases, "aliases", check_alias)

    @property
    def tags(self) -> list[str]:
        self._logged("tags", True)
        return self._tags

    @tags.setter
    def tags(self, tags: list[str]) -> None:
        self._logged("tags", True)
        self._tags = string_list(tags, "tags")

    @property
    def incremental(self) -> bool:
        return self._incremental

    @property
    def use_as(self) -> str | None:
        return self._use_as

    @property
    def distributed_id(self) -> str | None:
        return self._distributed_id

    @distributed_id.setter
    def distributed_id(self, distributed_id: str | None) -> None:
        self._distributed_id = distributed_id

    # --- content summary ----------------------------------------------------------------------
    @property
    def manifest(self) -> ArtifactManifest:
        """Every entry; fetched from the server on first use for an artifact read back."""
        if self._manifest is None:
            from trackwell.artifacts import remote

            remote.fetch_manifest(self)  # hands it over through _set_manifest
        assert self._manifest is not None
        return self._manifest

    @property
    def digest(self) -> str:
        """``artifact_rules.manifest_digest`` of the entries: equal digests, equal content."""
        if self._manifest is None and self._digest is not None:
            return self._digest
        return self.manifest.digest()

    @property
    def size(self) -> int:
        """Total bytes of the entries, references included."""
        if self._manifest is None and self._size is not None:
            return int(self._size)
        return self.manifest.size()

    @property
    def file_count(self) -> int:
        return self._logged("file_count", self._file_count)

    @property
    def created_at(self) -> str:
        return str(self._logged("created_at", self._created_at))

    @property
    def updated_at(self) -> str:
        self._logged("updated_at", self._created_at)
        return str(self._updated_at or self._created_at)

    # --- adding content -------------------------------------------------------------------------
    def _ensure_can_add(self, what: str) -> None:
        if self._final:
            raise ArtifactFinalizedError(self, what)

    def finalize(self) -> None:
        """Fix the content (``log_artifact`` does it); adding afterwards raises."""
        self._final = True

    def _tmp_dir(self) -> Path:
        if self._tmp is None:
            from trackwell.artifacts.staging import artifact_tmp_dir

            self._tmp = artifact_tmp_dir(self)
        return self._tmp

    def add_file(
        self,
        local_path: str | os.PathLike[str],
        name: str | None = None,
        is_tmp: bool | None = False,
        skip_cache: bool | None = False,
        policy: Policy | None = "mutable",
        overwrite: bool = False,
    ) -> ArtifactManifestEntry:
        """Add a local file as ``name`` (default: its base name); hashed now, uploaded when logged."""
        self._ensure_can_add("add_file")
        return building.add_file(
            self, local_path, name, bool(is_tmp), bool(skip_cache), policy or "mutable", overwrite
        )

    def add_dir(
        self,
        local_path: str | os.PathLike[str],
        name: str | None = None,
        skip_cache: bool | None = False,
        policy: Policy | None = "mutable",
        merge: bool = False,
    ) -> None:
        """Add every file under ``local_path``, named by its path relative to it (under ``name``)."""
        self._ensure_can_add("add_dir")
        building.add_dir(self, local_path, name, bool(skip_cache), policy or "mutable", merge)

    @contextlib.contextmanager
    def new_file(self, name: str, mode: str = "x", encoding: str | None = None) -> Iterator[IO[Any]]:
        """``with artifact.new_file("notes.txt", mode="w") as f: f.write(...)``: added on exit."""
        self._ensure_can_add("new_file")
        target, handle = building.open_new_file(self, name, mode, encoding)
        with handle:
            yield handle
        building.add_owned_file(self, target, name, overwrite="x" not in mode)

    def add_reference(
        self,
        uri: ArtifactManifestEntry | str,
        name: str | None = None,
        checksum: bool = True,
        max_objects: int | None = None,
    ) -> list[ArtifactManifestEntry]:
        """Track an object by URI without uploading it (``file://``, ``http(s)://``, ``s3://``)."""
        self._ensure_can_add("add_reference")
        return building.add_reference(self, uri, name, checksum, max_objects)

    def add(self, obj: Any, name: str, overwrite: bool = False) -> ArtifactManifestEntry:
        """Add a Table or other media as ``<name>.<type>.json`` with the files it refers to."""
        self._ensure_can_add("add")
        return objects.add_object(self, obj, name, overwrite)

    def remove(self, item: str | os.PathLike[str] | ArtifactManifestEntry) -> None:
        """Remove an entry, or every entry under a folder name."""
        self._ensure_can_add("remove")
        building.remove(self, item)

    def __setitem__(self, name: str, item: Any) -> ArtifactManifestEntry:
        return self.add(item, name)

    # --- reading entries ------------------------------------------------------------------------
    def get_entry(self, name: str | os.PathLike[str]) -> ArtifactManifestEntry:
        """The entry named ``name`` (or an object added as ``name``); KeyError when there is none."""
        path = Path(name).as_posix() if isinstance(name, os.PathLike) else str(name)
        entry = self.manifest.entries.get(path) or self._object_entry(path)
        if entry is None:
            raise KeyError(f"artifact {self.name!r} has no entry {path!r}")
        entry._parent_artifact = self
        return entry

    def get_path(self, name: str | os.PathLike[str]) -> ArtifactManifestEntry:
        """Deprecated (as in wandb): use ``get_entry``."""
        from trackwell.sdk.term import warn_once

        warn_once("artifact.get_path", "Artifact.get_path(name) is deprecated, use Artifact.get_entry(name)")
        return self.get_entry(name)

    def _object_entry(self, name: str) -> ArtifactManifestEntry | None:
        return objects.object_entry(self.manifest, name)

    def get(self, name: str) -> Any:
        """The Table or media object added as ``name``, rebuilt; None when there is none."""
        return objects.get_object(self, name)

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def get_added_local_path_name(self, local_path: str) -> str | None:
        """The entry name a local file was added under, or None."""
        entry = self._added_local_paths.get(local_path)
        return entry.path if entry is not None else None

    def new_draft(self) -> Artifact:
        """A new draft with this version's content, to change and log as a new version."""
        self._require_saved("new_draft")
        draft = Artifact(self._source[2] if self._source else self._collection, self._type)
        draft._description = self._description
        draft._metadata = dict(self._metadata)
        draft._manifest = ArtifactManifest.from_manifest_json(self.manifest.to_manifest_json())
        return draft

    # --- the run side (``run_ops``, ``saver``) ------------------------------------------------------
    def _to_record(
        self,
        client_id: str,
        *,
        run_id: str | None,
        aliases: list[str],
        tags: list[str],
        missing: set[str] | None,
    ) -> dict[str, Any]:
        """The ``ArtifactRecord`` fields (without seq/kind); stages the files the upload needs."""
        self._final = True
        record = serialize.to_record(
            self, client_id, run_id=run_id, aliases=aliases, tags=tags, missing=missing
        )
        self._record_made = True
        return record

    @classmethod
    def _from_server(cls, version: dict[str, Any], *, client: object | None = None) -> Artifact:
        """An artifact from an ``ArtifactVersionOut`` dict; its manifest is fetched when first needed."""
        artifact = cls("placeholder", "placeholder")
        serialize.apply_version(artifact, version)
        artifact._manifest = None
        artifact._client = client
        return artifact

    def _apply_saved(self, version: dict[str, Any]) -> None:
        """Take the saved version's id, version, aliases, digest and state (the saver calls this)."""
        serialize.apply_version(self, version)

    def _set_manifest(self, manifest: dict[str, Any]) -> None:
        self._manifest = ArtifactManifest.from_manifest_json(manifest)
        for entry in self._manifest.entries.values():
            entry._parent_artifact = self
