"""What an ``Artifact`` does with the server: ``download``, ``checkout``, ``verify``, ``file``,
``files``, ``wait``, ``logged_by``, ``used_by``, ``save``, ``delete``, ``link``, ``unlink``.

The :class:`~trackwell.artifacts.artifact.Artifact` methods of these names call the functions here
(wandb 0.31's semantics; the wandb reference, sections 1.9 and 3.7). Kept apart from the class so
that building an artifact (hashing, staging) never loads the transfer code, and the class stays
about the object itself.

``logged_by``/``used_by`` answer ``trackwell.apis`` Run objects: ``apis`` imports the SDK, so it is
imported inside those two functions only (never at module level: no import cycle).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from trackwell.artifacts.client import ArtifactClient
from trackwell.artifacts.download import default_root, download_entries
from trackwell.schema.artifact_rules import LATEST, is_version_alias
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk import term
from trackwell.sdk.download_paths import DownloadFolder
from trackwell.sdk.progress import Progress

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact

_HASH_CHUNK = 4 << 20
P = ParamSpec("P")
R = TypeVar("R")


def _releasing(fn: Callable[P, R]) -> Callable[P, R]:
    """Close the calling thread's connection when the call ends: these run on the user's thread,
    often after the run that lent its connection finished (``artifact.delete()`` after
    ``finish()``), and a keep-alive socket left there would outlive everything that could close it."""

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        finally:
            cached = getattr(args[0], "_transfer_client", None) if args else None
            if isinstance(cached, ArtifactClient):
                cached.release_thread_connection()

    return call


@dataclass(frozen=True)
class ArtifactFile:
    """One entry of ``artifact.files()`` (wandb's ``File``: ``name``, ``size``, ``digest``, ``url``)."""

    name: str
    size: int
    digest: str
    url: str
    ref: str | None = None
    mimetype: str | None = None


class _Coords:
    """Where a saved version lives: ``entity/project/name`` and its version (``vN``)."""

    def __init__(self, artifact: Artifact) -> None:
        qualified = getattr(artifact, "qualified_name", None)
        if getattr(artifact, "id", None) is None or not qualified or ":" not in str(qualified):
            raise InvalidArgument(
                f"artifact {getattr(artifact, 'name', '?')!r} has not been saved yet",
                field="artifact",
                hint="log it first (run.log_artifact(artifact) or artifact.save()), then artifact.wait()",
            )
        path, _, self.version = str(qualified).rpartition(":")
        self.entity, self.project, self.name = path.split("/", 2)


def client_of(artifact: Any) -> ArtifactClient:
    """The artifact's server connection (the run's or the Api's), else the configured server."""
    cached = getattr(artifact, "_transfer_client", None)
    if isinstance(cached, ArtifactClient):
        return cached
    transport = getattr(artifact, "_client", None)
    client = ArtifactClient(transport) if transport is not None else ArtifactClient.from_settings()
    try:
        artifact._transfer_client = client
    except AttributeError:  # pragma: no cover - a class with __slots__
        pass
    return client


@_releasing
def fetch_manifest(artifact: Artifact) -> dict[str, Any]:
    """The version's manifest (one request), also handed to the artifact (``_set_manifest``)."""
    where = _Coords(artifact)
    manifest = client_of(artifact).get_manifest(where.entity, where.project, where.name, where.version)
    artifact._set_manifest(manifest)
    return manifest


@_releasing
def manifest(artifact: Artifact) -> dict[str, Any]:
    """The version's manifest JSON (one request): what ``artifact.manifest`` loads on first use."""
    where = _Coords(artifact)
    return client_of(artifact).get_manifest(where.entity, where.project, where.name, where.version)


@_releasing
def download(
    artifact: Artifact,
    root: str | os.PathLike[str] | None = None,
    allow_missing_references: bool = False,
    skip_cache: bool | None = None,
    path_prefix: str | None = None,
    multipart: bool | None = None,
) -> str:
    """Place the version's files under ``root`` (default ``./artifacts/<name>:<version>``); see
    :mod:`trackwell.artifacts.download`. Returns the folder. ``multipart`` is wandb's switch for
    ranged downloads of big files; accepted and unused (blobs stream in one request each)."""
    wait(artifact)
    target = Path(root) if root is not None else default_root(_source_name(artifact))
    contents = fetch_manifest(artifact).get("contents", {})
    download_entries(
        client_of(artifact),
        contents,
        target,
        skip_cache=bool(skip_cache),
        path_prefix=path_prefix,
        allow_missing_references=allow_missing_references,
    )
    return str(target)


@_releasing
def download_entry(
    artifact: Artifact, entry: Any, root: str | os.PathLike[str] | None = None, skip_cache: bool | None = None
) -> str:
    """``entry.download(root)``: that one file (through the cache) under ``root``; its path."""
    wait(artifact)
    target = Path(root) if root is not None else default_root(_source_name(artifact))
    download_entries(client_of(artifact), {entry.path: entry.to_wire()}, target, skip_cache=bool(skip_cache))
    return str(target / entry.path)


@_releasing
def checkout(artifact: Artifact, root: str | os.PathLike[str] | None = None) -> str:
    """Make ``root`` hold exactly the version's files: download, then remove every other file."""
    target = Path(root) if root is not None else default_root(_source_name(artifact))
    download(artifact, root=target)
    keep = set(_contents(artifact))
    for dirpath, dirnames, filenames in os.walk(target, topdown=False):
        for filename in filenames:
            full = Path(dirpath) / filename
            if full.relative_to(target).as_posix() not in keep:
                full.unlink()
        for dirname in dirnames:
            with_path = Path(dirpath) / dirname
            if with_path.is_dir() and not with_path.is_symlink() and not any(with_path.iterdir()):
                with_path.rmdir()
    return str(target)


@_releasing
def verify(artifact: Artifact, root: str | os.PathLike[str] | None = None) -> None:
    """Re-hash the files under ``root`` against the manifest; raises ``ValueError`` naming the
    first file that is missing, differs, or is not part of the artifact. References are skipped
    with a warning, as in wandb."""
    target = Path(root) if root is not None else default_root(_source_name(artifact))
    contents = _contents(artifact)
    folder = DownloadFolder(target)
    for name, info in sorted(contents.items()):
        if info.get("ref"):
            term.termwarn(f"skipping the reference {name} ({info['ref']}): references are not verified")
            continue
        path = folder.target(name)
        if not path.is_file():
            raise ValueError(f"Missing file {name} of artifact {artifact.name} in {target}")
        hasher = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(_HASH_CHUNK):
                hasher.update(chunk)
        if hasher.hexdigest() != info["digest"]:
            raise ValueError(
                f"Digest mismatch for file {path}: expected {info['digest']}, got {hasher.hexdigest()}"
            )
    for dirpath, _, filenames in os.walk(target):
        for filename in filenames:
            name = (Path(dirpath) / filename).relative_to(target).as_posix()
            if name not in contents:
                raise ValueError(f"Found file {name} which is not a member of artifact {artifact.name}")


@_releasing
def file(artifact: Artifact, root: str | os.PathLike[str] | None = None) -> str:
    """The path of a single-file artifact's file, downloaded under ``root``."""
    contents = _contents(artifact)
    if len(contents) != 1:
        raise ValueError("This method should only be called on an artifact with a single entry.")
    (name,) = contents
    target = download(artifact, root=root)
    return os.path.join(target, name)


@_releasing
def files(artifact: Artifact, names: list[str] | None = None, per_page: int = 50) -> list[ArtifactFile]:
    """The version's entries (all, or those in ``names``) with name, size, digest and the URL
    that serves each one (``GET .../files/{path}``, with the API key)."""
    del per_page  # wandb pages its GraphQL answer; one manifest request holds them all here
    where = _Coords(artifact)
    client = client_of(artifact)
    wanted = set(names) if names is not None else None
    return [
        ArtifactFile(
            name=name,
            size=int(info.get("size", 0)),
            digest=str(info.get("digest", "")),
            url=client.file_url(where.entity, where.project, where.name, where.version, name),
            ref=info.get("ref"),
            mimetype=info.get("mimetype"),
        )
        for name, info in sorted(_contents(artifact).items())
        if wanted is None or name in wanted
    ]


def wait(artifact: Artifact, timeout: float | None = None) -> Artifact:
    """Block until the artifact's save (``log_artifact``) is done; raises the save's error."""
    from trackwell.artifacts.run_ops import JOB_ATTRIBUTE

    job = getattr(artifact, JOB_ATTRIBUTE, None)
    if job is None:
        return artifact
    if job.done.is_set():
        job.wait(timeout)
        return artifact
    # A wait past 2 s shows what is left to send, on a terminal only (never with WANDB_SILENT).
    enabled = False if term.is_silent() else None
    with Progress(
        f"saving {job.name}", total_bytes=job.total_bytes or None, enabled=enabled, delay=2.0
    ) as bar:
        bar.watch(lambda: job.stats.bytes_sent)
        job.wait(timeout)
    return artifact


@_releasing
def logged_by(artifact: Artifact) -> Any:
    """The run that logged this version (an ``Api`` Run), or None."""
    where = _Coords(artifact)
    version = client_of(artifact).get_version(where.entity, where.project, where.name, where.version)
    ref = version.get("logged_by")
    if not ref:
        return None
    api = _api(artifact)
    try:
        return api.run(f"{ref['entity']}/{ref['project']}/{ref['run_id']}")
    finally:
        api.client.release_thread_connection()


@_releasing
def used_by(artifact: Artifact) -> list[Any]:
    """The runs that used this version (``Api`` Runs)."""
    where = _Coords(artifact)
    refs = client_of(artifact).used_by(where.entity, where.project, where.name, where.version)
    api = _api(artifact)
    try:
        return [api.run(f"{r['entity']}/{r['project']}/{r['run_id']}") for r in refs]
    finally:
        api.client.release_thread_connection()


@_releasing
def save(artifact: Artifact, project: str | None = None, settings: Any = None) -> None:
    """A new artifact: log it in the current run, or (outside a run) in a run of job type
    ``auto`` started for it, as wandb does. A saved one: send the edited description, metadata,
    aliases, tags and TTL (``PATCH``)."""
    if getattr(artifact, "id", None) is None:
        _save_new(artifact, project, settings)
        return
    wait(artifact)
    where = _Coords(artifact)
    body: dict[str, Any] = {
        "description": artifact.description,
        "metadata": dict(artifact.metadata or {}),
        "aliases": [a for a in artifact.aliases if a != LATEST and not is_version_alias(a)],
        "tags": list(getattr(artifact, "tags", []) or []),
    }
    ttl = _ttl_seconds(getattr(artifact, "ttl", None))
    if ttl is not None:
        body["ttl_seconds"] = ttl
    answer = client_of(artifact).update_version(where.entity, where.project, where.name, where.version, body)
    artifact._apply_saved(answer)


def _save_new(artifact: Artifact, project: str | None, settings: Any) -> None:
    from trackwell.sdk import active

    current = active.current()
    if current is not None and not getattr(current, "disabled", False):
        current.log_artifact(artifact)
        return
    from trackwell.sdk.init import init

    run = init(project=project, job_type="auto", settings=settings, reinit="create_new")
    with run:
        run.log_artifact(artifact)
    wait(artifact)


@_releasing
def delete(artifact: Artifact, delete_aliases: bool = False) -> None:
    """Delete the version (the server refuses while it has user aliases, unless ``delete_aliases``)."""
    where = _Coords(artifact)
    client_of(artifact).delete_version(
        where.entity, where.project, where.name, where.version, delete_aliases=delete_aliases
    )


@_releasing
def link(artifact: Artifact, target_path: str, aliases: list[str] | None = None) -> Artifact:
    """Put this version into the portfolio collection ``target_path`` (``[entity/][project/]name``);
    returns the linked version (numbered in the portfolio)."""
    wait(artifact)
    where = _Coords(artifact)
    parts = str(target_path).split("/")
    if len(parts) > 3 or not all(parts):
        raise InvalidArgument(
            f"link target {target_path!r} is not '[entity/][project/]collection'", field="target_path"
        )
    full = "/".join([where.entity, where.project][: 3 - len(parts)] + parts)
    client = client_of(artifact)
    answer = client.link_version(
        where.entity, where.project, where.name, where.version, full, list(aliases or [])
    )
    from trackwell.artifacts.artifact import Artifact as ArtifactClass

    return ArtifactClass._from_server(answer, client=client.transport)


@_releasing
def unlink(artifact: Artifact) -> None:
    """Remove a linked version from its portfolio collection (the source version stays)."""
    if not getattr(artifact, "is_link", False) and not getattr(artifact, "_source", None):
        raise ValueError(f"artifact {artifact.name!r} is not a linked artifact; use delete() to delete it")
    where = _Coords(artifact)
    client_of(artifact).delete_version(
        where.entity, where.project, where.name, where.version, delete_aliases=True
    )


# --- helpers ---------------------------------------------------------------------------------


def _contents(artifact: Artifact) -> dict[str, dict[str, Any]]:
    contents: dict[str, dict[str, Any]] = fetch_manifest(artifact).get("contents", {})
    return contents


def _source_name(artifact: Artifact) -> str:
    return str(getattr(artifact, "source_name", None) or artifact.name)


def _ttl_seconds(ttl: Any) -> int | None:
    if isinstance(ttl, datetime.timedelta):
        return int(ttl.total_seconds())
    if isinstance(ttl, int | float) and not isinstance(ttl, bool):
        return int(ttl)
    return None


def _api(artifact: Artifact) -> Any:
    # The one use of ``trackwell.apis`` here, imported when logged_by()/used_by() is called (wandb
    # answers the public Api's Run objects): apis imports the SDK, and the SDK (``run.log_artifact``)
    # reaches this module, so this import is the one exception pyproject.toml's import-linter
    # contract names ("the SDK never imports the public Api"). A training run that never asks for
    # the runs never loads apis or pydantic (tests/integration/test_sdk_artifacts.py checks).
    from trackwell.apis import Api

    client = client_of(artifact)
    key = getattr(client.transport, "_api_key", None)
    return Api(overrides={"base_url": client.base_url}, api_key=key)
