"""``ArtifactManifest``: an artifact's entries by path, its digest, and its JSON on the wire.

The digest is ``schema.artifact_rules.manifest_digest`` (the one implementation the server
applies too) over ``{path: entry.digest}``. The wire form is ``schema.artifacts.ArtifactManifest``
built as a plain dict (the SDK's write path never imports pydantic).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from trackwell.artifacts.entries import ArtifactManifestEntry
from trackwell.schema.artifact_rules import manifest_digest

STORAGE_POLICY = "trackwell-sha256-v1"


class ArtifactManifest:
    """Entries by path (``entries``), with wandb's manifest methods."""

    version = 1

    def __init__(self, entries: dict[str, ArtifactManifestEntry] | None = None) -> None:
        self.entries: dict[str, ArtifactManifestEntry] = dict(entries or {})
        self.storage_policy = STORAGE_POLICY

    def add_entry(self, entry: ArtifactManifestEntry, overwrite: bool = False) -> ArtifactManifestEntry:
        """Add ``entry``; the same path with other content is an error unless ``overwrite``.

        Adding the same content under the same path again is a no-op (wandb's rule), so re-running
        a cell that adds a file does not fail. Returns the entry now in the manifest.
        """
        previous = self.entries.get(entry.path)
        if previous is not None and not overwrite:
            if previous.digest == entry.digest and previous.ref == entry.ref:
                return previous
            raise ValueError(
                f"artifact entry {entry.path!r} was already added with other content; pass "
                "overwrite=True to replace it (add_dir: merge=True), or give this file another name"
            )
        self.entries[entry.path] = entry
        return entry

    def remove_entry(self, entry: ArtifactManifestEntry) -> None:
        if entry.path not in self.entries:
            raise FileNotFoundError(f"no entry {entry.path!r} in the artifact")
        del self.entries[entry.path]

    def get_entry_by_path(self, path: str) -> ArtifactManifestEntry | None:
        return self.entries.get(path)

    def get_entries_in_directory(self, directory: str) -> list[ArtifactManifestEntry]:
        prefix = directory.rstrip("/") + "/"
        return [e for p, e in self.entries.items() if p.startswith(prefix)]

    def digest(self) -> str:
        return manifest_digest({path: entry.digest for path, entry in self.entries.items()})

    def size(self) -> int:
        return sum(int(entry.size or 0) for entry in self.entries.values())

    def to_manifest_json(self) -> dict[str, Any]:
        """The ``ArtifactManifest`` wire JSON, entries sorted by path."""
        return {
            "version": self.version,
            "storage_policy": self.storage_policy,
            "contents": {path: self.entries[path].to_wire() for path in sorted(self.entries)},
        }

    @classmethod
    def from_manifest_json(cls, data: dict[str, Any]) -> ArtifactManifest:
        contents: dict[str, Any] = data.get("contents") or {}
        return cls({path: ArtifactManifestEntry.from_wire(path, info) for path, info in contents.items()})

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[ArtifactManifestEntry]:
        return iter(self.entries.values())

    def __repr__(self) -> str:
        return f"<ArtifactManifest {len(self.entries)} entries {self.digest()[:12]}>"
