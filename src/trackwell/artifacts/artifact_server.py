"""The ``Artifact`` methods that need the server, as one-line wrappers over ``artifacts.remote``.

A base class of ``Artifact`` so that the class module stays about the object itself. Before a
method that reads a saved version runs, :meth:`ServerMethods._require_saved` applies wandb's rule:
an artifact never logged raises ``ArtifactNotLoggedError``; one logged in this process and still
being saved is waited for first (wandb raises there too and asks for ``wait()``; waiting is what
that message asks for, so code that calls ``wait()`` behaves the same).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from trackwell.artifacts.exceptions import ArtifactNotLoggedError

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact


class ServerMethods:
    """download, checkout, verify, file, files, wait, logged_by, used_by, save, delete, link, unlink."""

    _record_made: bool

    def is_draft(self) -> bool:  # pragma: no cover - Artifact defines it
        raise NotImplementedError

    def _me(self) -> Artifact:
        return cast("Artifact", self)

    def _require_saved(self, attr: str) -> None:
        if self.is_draft() and self._record_made:
            self.wait()
        if self.is_draft():
            raise ArtifactNotLoggedError(self, attr)

    def download(
        self,
        root: str | None = None,
        allow_missing_references: bool = False,
        skip_cache: bool | None = None,
        path_prefix: str | None = None,
        multipart: bool | None = None,
    ) -> str:
        """Download every file under ``root`` (default ``./artifacts/<name>:<version>``); returns it."""
        self._require_saved("download")
        from trackwell.artifacts import remote

        return remote.download(
            self._me(),
            root=root,
            allow_missing_references=allow_missing_references,
            skip_cache=skip_cache,
            path_prefix=path_prefix,
            multipart=multipart,
        )

    def checkout(self, root: str | None = None) -> str:
        """Make ``root`` hold exactly this version's files."""
        self._require_saved("checkout")
        from trackwell.artifacts import remote

        return remote.checkout(self._me(), root=root)

    def verify(self, root: str | None = None) -> None:
        """Check that ``root`` holds this version's files unchanged (re-hashes them)."""
        self._require_saved("verify")
        from trackwell.artifacts import remote

        return remote.verify(self._me(), root=root)

    def file(self, root: str | None = None) -> str:
        """Download the one file of a single-file artifact; returns its path."""
        self._require_saved("file")
        from trackwell.artifacts import remote

        return remote.file(self._me(), root=root)

    def files(self, names: list[str] | None = None, per_page: int = 50) -> Any:
        """The version's files (name, size, digest, url)."""
        self._require_saved("files")
        from trackwell.artifacts import remote

        return remote.files(self._me(), names=names, per_page=per_page)

    def wait(self, timeout: int | None = None) -> Artifact:
        """Block until the logged version is saved (fills ``id``, ``version``...)."""
        if self.is_draft() and not self._record_made:
            raise ArtifactNotLoggedError(self, "wait")
        from trackwell.artifacts import remote

        return remote.wait(self._me(), timeout=timeout)

    def logged_by(self) -> Any:
        """The run that logged this version."""
        self._require_saved("logged_by")
        from trackwell.artifacts import remote

        return remote.logged_by(self._me())

    def used_by(self) -> Any:
        """The runs that used this version."""
        self._require_saved("used_by")
        from trackwell.artifacts import remote

        return remote.used_by(self._me())

    def save(self, project: str | None = None, settings: Any = None) -> None:
        """A draft: log it (in the current run, else a run of job type "auto"). Logged: send the
        edited description, metadata, aliases, tags and TTL."""
        from trackwell.artifacts import remote

        return remote.save(self._me(), project=project, settings=settings)

    def delete(self, delete_aliases: bool = False) -> None:
        """Delete this version (``delete_aliases=True`` also when it has aliases)."""
        self._require_saved("delete")
        from trackwell.artifacts import remote

        return remote.delete(self._me(), delete_aliases=delete_aliases)

    def link(self, target_path: str, aliases: list[str] | None = None) -> Any:
        """Put this version in the portfolio collection ``target_path`` (a minimal registry)."""
        from trackwell.artifacts import remote

        return remote.link(self._me(), target_path, aliases=aliases)

    def unlink(self) -> None:
        """Remove this linked version from its portfolio collection."""
        self._require_saved("unlink")
        from trackwell.artifacts import remote

        return remote.unlink(self._me())
