"""``ArtifactManifestEntry``: one file of an artifact (wandb's class of that name).

Public fields as in wandb: ``path`` (the name inside the artifact), ``digest`` (SHA-256 hex of the
bytes; for a reference, see ``references``), ``size``, ``ref`` (the URI of a reference, else
None), ``birth_artifact_id``, ``local_path`` (where the bytes are on this machine, if anywhere),
``extra``, ``mimetype`` and ``skip_cache``. The private fields say how the SDK got the file:
``_policy`` ("mutable"/"immutable", see ``staging``), ``_signature`` (its size, inode and mtime
when hashed) and ``_owned`` (written by the artifact itself: ``new_file``/``add``).

Only ``to_wire`` crosses the wire (the ``ManifestEntry`` of ``schema/artifacts.py``):
``local_path`` and ``skip_cache`` are this machine's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact


class ArtifactManifestEntry:
    """One entry of an artifact's manifest."""

    def __init__(
        self,
        path: str,
        digest: str,
        size: int | None = None,
        ref: str | None = None,
        birth_artifact_id: str | None = None,
        local_path: str | None = None,
        extra: dict[str, Any] | None = None,
        mimetype: str | None = None,
        skip_cache: bool = False,
    ) -> None:
        self.path = path
        self.digest = digest
        self.size = size
        self.ref = ref
        self.birth_artifact_id = birth_artifact_id
        self.local_path = local_path
        self.extra: dict[str, Any] = dict(extra or {})
        self.mimetype = mimetype
        self.skip_cache = skip_cache
        self._policy = "immutable"
        self._signature: tuple[int, int, int] | None = None
        self._owned = False
        self._parent_artifact: Artifact | None = None

    @property
    def name(self) -> str:
        """wandb's older name for ``path``."""
        return self.path

    def parent_artifact(self) -> Artifact:
        """The artifact this entry belongs to."""
        if self._parent_artifact is None:
            raise ValueError(f"entry {self.path!r} does not belong to an artifact")
        return self._parent_artifact

    def download(self, root: str | None = None, skip_cache: bool | None = None) -> str:
        """Download this one file (through the cache) under ``root``; returns its local path."""
        from trackwell.artifacts import remote

        return remote.download_entry(self.parent_artifact(), self, root=root, skip_cache=skip_cache)

    def ref_url(self) -> str:
        """The reference URI for a reference entry, else ``wandb-artifact://<artifact id>/<path>``
        (the form wandb uses for an entry of a logged artifact)."""
        if self.ref is not None:
            return self.ref
        artifact = self.parent_artifact()
        if artifact.id is None:
            from trackwell.artifacts.exceptions import ArtifactNotLoggedError

            raise ArtifactNotLoggedError(artifact, "get_entry(...).ref_url")
        return f"wandb-artifact://{artifact.id}/{self.path}"

    def to_wire(self) -> dict[str, Any]:
        """The ``ManifestEntry`` JSON (schema/artifacts.py); empty optional fields left out."""
        out: dict[str, Any] = {"digest": self.digest, "size": int(self.size or 0)}
        if self.ref is not None:
            out["ref"] = self.ref
        if self.extra:
            out["extra"] = self.extra
        if self.mimetype is not None:
            out["mimetype"] = self.mimetype
        if self.birth_artifact_id is not None:
            out["birth_artifact_id"] = self.birth_artifact_id
        return out

    @classmethod
    def from_wire(cls, path: str, data: dict[str, Any]) -> ArtifactManifestEntry:
        return cls(
            path=path,
            digest=str(data["digest"]),
            size=data.get("size"),
            ref=data.get("ref"),
            birth_artifact_id=data.get("birth_artifact_id"),
            extra=data.get("extra") or {},
            mimetype=data.get("mimetype"),
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ArtifactManifestEntry)
            and self.path == other.path
            and self.digest == other.digest
            and self.size == other.size
            and self.ref == other.ref
            and self.extra == other.extra
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        ref = f" ref={self.ref!r}" if self.ref else ""
        return f"<ArtifactManifestEntry {self.path!r} {self.digest[:12]} size={self.size}{ref}>"
