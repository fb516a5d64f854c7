"""Adding content to a draft artifact: files, folders, new files and references.

The ``Artifact`` methods of the same names are thin wrappers over these functions, which hold the
rules: entry names are checked (``artifact_rules.check_entry_path``: nothing can escape a folder);
files are hashed when added, through the per-machine hash cache, and never copied here (see
``staging``); adding other content under a name already used is an error unless asked for
(``overwrite``/``merge``), while adding the same content again is a no-op, as in wandb.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from trackwell.artifacts.entries import ArtifactManifestEntry
from trackwell.artifacts.hash_cache import default_hash_cache
from trackwell.artifacts.references import reference_entries
from trackwell.artifacts.staging import file_signature
from trackwell.artifacts.validation import ArtifactArgumentError, check_policy, entry_name

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact


def local_entry(
    local_path: str | os.PathLike[str],
    name: str,
    *,
    policy: str,
    skip_cache: bool,
    owned: bool = False,
) -> ArtifactManifestEntry:
    """An entry for a local file, hashed now (through the hash cache unless the SDK wrote it)."""
    digest, st = default_hash_cache().sha256_stat(local_path, cached=not owned)
    return _entry(name, os.fspath(local_path), digest, st, policy, skip_cache, owned)


def _entry(
    name: str, local_path: str, digest: str, st: os.stat_result, policy: str, skip_cache: bool, owned: bool
) -> ArtifactManifestEntry:
    entry = ArtifactManifestEntry(
        path=name, digest=digest, size=st.st_size, local_path=local_path, skip_cache=skip_cache
    )
    entry._policy = policy
    entry._signature = file_signature(st)  # staging refuses the file if this changes before upload
    entry._owned = owned
    return entry


def add_file(
    artifact: Artifact,
    local_path: str | os.PathLike[str],
    name: str | None,
    is_tmp: bool,
    skip_cache: bool,
    policy: str,
    overwrite: bool,
) -> ArtifactManifestEntry:
    if not os.path.isfile(local_path):
        raise ArtifactArgumentError(
            f"add_file: {os.fspath(local_path)!r} is not a file",
            field="local_path",
            hint="give the path of an existing file; use add_dir() for a folder",
        )
    policy = check_policy(policy)
    path = entry_name(name if name is not None else os.path.basename(local_path))
    entry = local_entry(local_path, path, policy=policy, skip_cache=bool(skip_cache))
    if is_tmp:  # wandb: a name derived from the content, so temporary names never collide
        folder, base = posixpath.split(path)
        parts = base.split(".")
        parts[0] = entry.digest[:20]
        entry.path = entry_name(posixpath.join(folder, ".".join(parts)))
    added = artifact.manifest.add_entry(entry, overwrite=overwrite)
    artifact._added_local_paths[os.fspath(local_path)] = added
    return added


def _walk(local_path: str, prefix: str | None) -> list[tuple[str, str, str | None]]:
    """(entry name, path, real path or None) of every file under ``local_path``, in ``os.walk``'s
    order (``followlinks=True``: links to folders are followed; unreadable folders are skipped).

    The real path (what the hash cache is keyed by) is the folder's real path plus the relative
    path, known without a ``realpath`` per file, as long as no symbolic link was met on the way
    (the directory entry's type says so without a system call); else None: resolved later.
    """
    out: list[tuple[str, str, str | None]] = []
    base = f"{prefix.rstrip('/')}/" if prefix else ""
    stack: list[tuple[str, str, str | None]] = [(local_path, base, os.path.realpath(local_path))]
    while stack:
        folder, logical, real = stack.pop()
        files: list[tuple[str, bool]] = []
        dirs: list[tuple[str, bool]] = []
        try:
            with os.scandir(folder) as items:
                for item in items:
                    with contextlib.suppress(OSError):
                        (dirs if item.is_dir() else files).append((item.name, item.is_symlink()))
        except OSError:
            continue  # as os.walk: a folder that cannot be listed is skipped
        for name, link in sorted(files):
            real_file = None if link or real is None else os.path.join(real, name)
            out.append((logical + name, os.path.join(folder, name), real_file))
        for name, link in sorted(dirs, reverse=True):  # popped in name order
            real_dir = None if link or real is None else os.path.join(real, name)
            stack.append((os.path.join(folder, name), f"{logical}{name}/", real_dir))
    return out


def add_dir(
    artifact: Artifact,
    local_path: str | os.PathLike[str],
    name: str | None,
    skip_cache: bool,
    policy: str,
    merge: bool,
) -> None:
    from trackwell.sdk import term

    local = os.fspath(local_path)
    if not os.path.isdir(local):
        raise ArtifactArgumentError(
            f"add_dir: {local!r} is not a folder",
            field="local_path",
            hint="give the path of an existing folder; use add_file() for a file",
        )
    policy = check_policy(policy)
    prefix = entry_name(str(name).rstrip("/"), "name") if name else None
    started = time.monotonic()
    files = [(entry_name(logical), physical, real) for logical, physical, real in _walk(local, prefix)]
    # One stat a file, the hash cache asked in bulk, the misses hashed on several threads.
    hashed = default_hash_cache().sha256_stat_many([(physical, real) for _, physical, real in files])
    for (name, physical, _), (digest, st) in zip(files, hashed, strict=True):
        entry = _entry(name, physical, digest, st, policy, bool(skip_cache), False)
        added = artifact.manifest.add_entry(entry, overwrite=merge)
        artifact._added_local_paths[physical] = added
    term.termlog(
        f"Added directory to artifact ({local}): {len(files)} files, {time.monotonic() - started:.1f}s"
    )


def open_new_file(artifact: Artifact, name: str, mode: str, encoding: str | None) -> tuple[Path, IO[Any]]:
    """The file ``new_file`` yields, in the artifact's private folder (closed and added on exit)."""
    path = entry_name(name)
    target = artifact._tmp_dir() / path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle: IO[Any] = open(target, mode, encoding=encoding)  # noqa: SIM115 - closed by new_file
    except FileExistsError:
        raise ArtifactArgumentError(
            f"new_file: a file named {path!r} was already created in this artifact",
            field="name",
            hint="pick another name, or pass mode='w' to replace it",
        ) from None
    return target, handle


def add_owned_file(artifact: Artifact, target: Path, name: str, overwrite: bool) -> ArtifactManifestEntry:
    """Add a file the artifact wrote itself (``new_file``, ``add``): never changes, never cached
    by path, staged by hard link."""
    entry = local_entry(target, entry_name(name), policy="mutable", skip_cache=True, owned=True)
    return artifact.manifest.add_entry(entry, overwrite=overwrite)


def add_reference(
    artifact: Artifact,
    uri: ArtifactManifestEntry | str,
    name: str | None,
    checksum: bool,
    max_objects: int | None,
) -> list[ArtifactManifestEntry]:
    if isinstance(uri, ArtifactManifestEntry):
        return [artifact.manifest.add_entry(_entry_reference(uri, name))]
    text = os.fspath(uri)
    if "://" not in text:
        raise ArtifactArgumentError(
            f"add_reference: {text!r} is not a URI",
            field="uri",
            hint="references are URIs: file:///abs/path, s3://bucket/key, https://host/file",
        )
    prefix = entry_name(str(name).rstrip("/"), "name") if name else None
    entries = reference_entries(text, prefix, checksum, max_objects)
    added = []
    for entry in entries:
        entry.path = entry_name(entry.path)
        added.append(artifact.manifest.add_entry(entry))
    return added


def _entry_reference(source: ArtifactManifestEntry, name: str | None) -> ArtifactManifestEntry:
    """An entry of another (logged) artifact: the same bytes, already on the server, no upload."""
    parent = source._parent_artifact
    entry = ArtifactManifestEntry(
        path=entry_name(name or source.path),
        digest=source.digest,
        size=source.size,
        ref=source.ref,
        birth_artifact_id=source.birth_artifact_id or (parent.id if parent is not None else None),
        extra=source.extra,
        mimetype=source.mimetype,
    )
    return entry


def remove(artifact: Artifact, item: str | os.PathLike[str] | ArtifactManifestEntry) -> None:
    manifest = artifact.manifest
    if isinstance(item, ArtifactManifestEntry):
        manifest.remove_entry(item)
        return
    path = Path(item).as_posix() if isinstance(item, os.PathLike) else str(item)
    entry = manifest.get_entry_by_path(path)
    if entry is not None:
        manifest.remove_entry(entry)
        return
    inside = manifest.get_entries_in_directory(path)
    if not inside:
        raise FileNotFoundError(f"artifact has no entry or folder named {path!r}")
    for entry in inside:
        manifest.remove_entry(entry)
