"""The artifact exceptions under wandb's names (``wandb.sdk.artifacts.exceptions``).

As in wandb, the two state errors are ``AttributeError``s: reading ``artifact.version`` before the
artifact is logged raises, and ``hasattr(artifact, "version")`` answers False instead of failing.
``trackwell.errors`` re-exports them. No imports beyond the SDK's own error base: this module is
loaded by ``trackwell.errors``, which must stay cheap.
"""

from __future__ import annotations

from typing import Any

from trackwell.sdk.errors import Error


class ArtifactStatusError(AttributeError):
    """The artifact is in the wrong state for the requested operation."""

    def __init__(self, artifact: Any = None, attr: str | None = None, msg: str | None = None) -> None:
        object_name = type(artifact).__name__ if artifact is not None else "Artifact"
        method_id = f"{object_name}.{attr}" if attr else object_name
        text = msg or "'{method_id}': the artifact is in the wrong state for this"
        super().__init__(text.format(method_id=method_id))
        self.obj = artifact
        self.name = attr or ""


class ArtifactNotLoggedError(ArtifactStatusError):
    """An attribute or method that only exists once the artifact is logged (and saved)."""

    def __init__(self, artifact: Any = None, attr: str | None = None) -> None:
        super().__init__(
            artifact,
            attr,
            "'{method_id}' used before the artifact was logged (or while offline): log it with "
            "run.log_artifact(artifact) and call artifact.wait() before reading logged properties",
        )


class ArtifactFinalizedError(ArtifactStatusError):
    """A change to an artifact that is already logged: its content is fixed."""

    def __init__(self, artifact: Any = None, attr: str | None = None) -> None:
        super().__init__(
            artifact,
            attr,
            "'{method_id}' used on a logged artifact, whose content cannot change: build a new "
            "Artifact (or artifact.new_draft()) and log it as a new version",
        )


class WaitTimeoutError(Error):
    """``artifact.wait(timeout=...)`` ran out of time before the version was saved."""


__all__ = ["ArtifactFinalizedError", "ArtifactNotLoggedError", "ArtifactStatusError", "WaitTimeoutError"]
