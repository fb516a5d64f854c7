"""``run.save()``: copies user files into the run's ``files/`` folder and reports them for upload.

Policies, as in wandb: ``now`` copies and reports once, at the call; ``live`` does the same, then a
poller thread re-checks the glob every ``poll_interval`` seconds (mtime and size; new matches
included) and reports each changed file again; ``end`` copies and reports at :meth:`finish_files`.
Files are copied, not linked: the uploader must read the exact bytes whose sha256 was reported, even
while training keeps rewriting the original. Copies are written to a temporary name and renamed, so a
reader never sees half a file.

A saved file keeps its path relative to ``base_path`` (default: the working directory for a relative
glob, the glob's first wildcard-free directory for an absolute one); a glob that reaches outside
``base_path`` is refused, because the file would land outside ``files/``.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from trackwell.schema.errors import InvalidArgument

log = logging.getLogger(__name__)

Policy = Literal["live", "now", "end"]
OnFile = Callable[[str, str, int, str], None]  # (relative path, sha256, size, policy)
_CHUNK = 1024 * 1024
_WILDCARDS = set("*?[")


@dataclass(frozen=True)
class _Glob:
    pattern: str  # absolute, normalized
    base: Path  # absolute, normalized


@dataclass
class _Seen:
    signature: tuple[int, int]  # (mtime_ns, size) of the source when last copied
    sha256: str


def _copy_and_hash(source: Path, target: Path) -> tuple[str, int]:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.trackwell-tmp")
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    os.replace(tmp, target)
    return digest.hexdigest(), size


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class FileSaver:
    """The saving side of ``run.save(glob_str, base_path=None, policy="live")``.

    Example::

        saver = FileSaver(run_dir / "files", lambda path, sha, size, policy: enqueue(path, sha, size, policy))
        saver.save("checkpoints/*.pt", policy="live")
        ...
        saver.finish_files()  # final check of live files, then the "end" ones
    """

    def __init__(
        self, files_dir: Path, on_file: OnFile, *, poll_interval: float = 2.0, cwd: Path | None = None
    ) -> None:
        self._files_dir = Path(os.path.abspath(files_dir))
        self._files_real = Path(os.path.realpath(self._files_dir))
        self._on_file = on_file
        self._poll_interval = poll_interval
        self._cwd = Path(os.path.abspath(cwd if cwd is not None else Path.cwd()))
        self._lock = threading.RLock()  # RLock: on_file may call save() again
        self._live: list[_Glob] = []
        self._end: list[_Glob] = []
        self._seen: dict[str, _Seen] = {}
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._finished = False

    def _resolve(self, glob_str: str, base_path: str | os.PathLike[str] | None) -> _Glob:
        raw = Path(glob_str)
        pattern = os.path.normpath(raw if raw.is_absolute() else self._cwd / raw)
        if base_path is not None:
            base = Path(os.path.normpath(self._cwd / Path(base_path)))
        elif not raw.is_absolute():
            base = self._cwd
        else:
            # wandb saves an absolute glob "without folders": keep the part below its fixed prefix.
            parts = Path(pattern).parts
            first_wild = next((i for i, p in enumerate(parts) if _WILDCARDS & set(p)), len(parts))
            base = Path(*parts[:first_wild]) if first_wild < len(parts) else Path(pattern).parent
        if not Path(pattern).is_relative_to(base) or Path(pattern) == base:
            raise InvalidArgument(
                f"save({glob_str!r}): the files it matches are not inside base_path {str(base)!r}",
                field="base_path",
                hint="pass a base_path that contains every matched file, "
                "e.g. save('/data/ckpt/*.pt', base_path='/data')",
            )
        return _Glob(pattern=pattern, base=base)

    def _matches(self, spec: _Glob) -> list[tuple[str, Path]]:
        found: list[tuple[str, Path]] = []
        for match in sorted(glob.glob(spec.pattern, recursive=True)):
            source = Path(match)
            if not source.is_file():
                continue
            relative = Path(os.path.relpath(match, spec.base)).as_posix()
            target_real = os.path.realpath(self._files_dir / relative)
            source_real = os.path.realpath(source)
            # A glob over the working directory can match our own copies: never copy them again.
            if source_real != target_real and Path(source_real).is_relative_to(self._files_real):
                continue
            found.append((relative, source))
        return found

    def save(
        self,
        glob_str: str | os.PathLike[str] | None,
        base_path: str | os.PathLike[str] | None = None,
        policy: str = "live",
    ) -> list[str]:
        """Copy what ``glob_str`` matches into ``files/`` according to ``policy``; returns target paths."""
        if policy not in get_args(Policy):
            raise InvalidArgument(
                f"save(policy={policy!r}) is not a policy",
                field="policy",
                hint="use 'live' (re-upload on change), 'now' (once, immediately) or 'end' (at finish)",
            )
        if glob_str is None or not os.fspath(glob_str):
            raise InvalidArgument(
                "save() needs glob_str, the file or pattern to save",
                field="glob_str",
                hint="e.g. run.save('model.pt') or run.save('checkpoints/*.pt', policy='end')",
            )
        glob_text = os.fspath(glob_str)
        if glob_text.startswith(("gs://", "s3://")):
            log.warning("save(%r): cloud URLs are not files; use an artifact reference instead", glob_text)
            return []
        spec = self._resolve(glob_text, base_path)
        matches = self._matches(spec)
        with self._lock:
            if policy == "end":
                self._end.append(spec)
            else:
                for relative, source in matches:
                    self._report(relative, source, policy, force=True)
            if policy == "live" and not self._finished:
                self._live.append(spec)
                self._start_poller()
        return [str(self._files_dir / relative) for relative, _ in matches]

    def save_file(self, relative: str, source: Path) -> None:
        """Copy one file to ``files/<relative>`` and report it once (``run.log_code``)."""
        with self._lock:
            self._report(relative, source, "now", force=True)

    def _report(self, relative: str, source: Path, policy: str, *, force: bool) -> None:
        try:
            stat = source.stat()
            signature = (stat.st_mtime_ns, stat.st_size)
            seen = self._seen.get(relative)
            if not force and seen is not None and seen.signature == signature:
                return
            target = self._files_dir / relative
            if os.path.realpath(source) == os.path.realpath(target):  # saving a file already in files/
                sha, size = _hash(target)
            else:
                sha, size = _copy_and_hash(source, target)
        except OSError as exc:  # vanished or unreadable between glob and copy: retried on next poll
            log.warning("save: could not copy %s: %s", source, exc)
            return
        self._seen[relative] = _Seen(signature, sha)
        if not force and seen is not None and seen.sha256 == sha:
            return  # touched, same bytes
        self._on_file(relative, sha, size, policy)

    def _start_poller(self) -> None:
        if self._poller is None:
            self._poller = threading.Thread(target=self._poll, name="trackwell-file-saver", daemon=True)
            self._poller.start()

    def _poll(self) -> None:
        while not self._stop.wait(self._poll_interval):
            try:
                self.check_live()
            except Exception:
                log.exception("save: checking live files failed")

    def check_live(self) -> None:
        """Re-check every ``live`` glob now and report changed or new files (the poller calls this)."""
        with self._lock:
            for spec in list(self._live):
                for relative, source in self._matches(spec):
                    self._report(relative, source, "live", force=False)

    def finish_files(self) -> None:
        """Stop polling, report live files changed since the last check, then copy the ``end`` files."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
        self._stop.set()
        if self._poller is not None:
            self._poller.join()
            self._poller = None
        with self._lock:
            self.check_live()
            for spec in self._end:
                for relative, source in self._matches(spec):
                    self._report(relative, source, "end", force=True)
