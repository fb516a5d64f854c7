"""The Run's artifact methods (wandb 0.31's semantics): ``log_artifact``, ``use_artifact``,
``link_artifact``, ``log_model``, ``use_model``, ``link_model``, and the wait in ``finish()``.

Why here and not in ``sdk/run.py``: the Run stays the hot path and its lifecycle; these delegate.
``import trackwell`` does not load this module: the Run imports it on the first artifact call.

``log_artifact`` returns at once. Online it asks the server which blobs it lacks (one request per
10,000 digests), so nothing already stored is staged or sent; it writes an ``artifact`` record to
the run log (``trackwell sync`` can always save it again) and hands the save to the saver thread
(:mod:`saver`). Offline it writes the record with every file staged, for ``trackwell sync``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackwell.artifacts.client import ArtifactClient, TransportError
from trackwell.artifacts.saver import SavedLog, SaveJob, saver, wait_all
from trackwell.schema.artifact_rules import check_alias, parse_artifact_path
from trackwell.sdk import term
from trackwell.sdk.errors import CommError, UsageError
from trackwell.sdk.progress import Progress

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact
    from trackwell.sdk.run import Run

JOB_ATTRIBUTE = "_trackwell_save_job"  # the pending save of an Artifact logged in this process
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


class ArtifactNotFoundError(CommError, ValueError):
    """``use_artifact`` named a version that does not exist (wandb raises a ValueError inside a
    CommError; both ``except`` clauses work)."""


def _client(run: Run) -> ArtifactClient:
    cached: ArtifactClient | None = getattr(run, "_artifact_client", None)
    if cached is not None:
        return cached
    uploader = run._uploader
    if uploader is None:
        raise UsageError(
            "this run is offline: artifacts can be logged (they are saved by `trackwell sync`), "
            "but using one needs the server; start the run online"
        )
    client = ArtifactClient(uploader.client)  # type: ignore[arg-type]  # the run's ApiClient
    run._artifact_client = client  # type: ignore[attr-defined]
    return client


def _jobs(run: Run) -> list[SaveJob]:
    jobs: list[SaveJob] | None = getattr(run, "_artifact_jobs", None)
    if jobs is None:
        jobs = []
        run._artifact_jobs = jobs  # type: ignore[attr-defined]
    return jobs


def _log_path(run: Run) -> Path:
    return run._info.run_dir / f"run-{run._info.id}.twlog"


def artifact_from_path(path: str, name: str | None, type_: str | None, run_id: str) -> Artifact:
    """wandb's rule for ``log_artifact(path)``: name ``run-<id>-<basename>``, type ``unspecified``;
    a file, a directory, or a reference URI (``s3://``, ``https://``, ``file://``)."""
    from trackwell.artifacts.artifact import Artifact

    base = os.path.basename(path.rstrip("/\\")) or "artifact"
    artifact = Artifact(name or _NAME_UNSAFE.sub("-", f"run-{run_id}-{base}")[:128], type_ or "unspecified")
    if os.path.isfile(path):
        artifact.add_file(path)
    elif os.path.isdir(path):
        artifact.add_dir(path)
    elif "://" in path:
        artifact.add_reference(path)
    else:
        raise ValueError("path must be a file, directory or external reference like s3://bucket/path")
    return artifact


def log_artifact(
    run: Run,
    artifact_or_path: Any,
    name: str | None = None,
    type: str | None = None,
    aliases: list[str] | None = None,
    tags: list[str] | None = None,
    *,
    cache: bool = True,
) -> Artifact:
    if isinstance(artifact_or_path, str | os.PathLike):
        artifact = artifact_from_path(os.fspath(artifact_or_path), name, type, run.id)
    else:
        artifact = artifact_or_path
        if name is not None or type is not None:
            raise UsageError("log_artifact(artifact, name=, type=): set name and type on the Artifact")
    aliases = [check_alias(a) for a in ([aliases] if isinstance(aliases, str) else aliases or [])]
    tags = list([tags] if isinstance(tags, str) else tags or [])
    online = run._uploader is not None
    # The artifact's own id of this save: logging the same object twice is one version.
    client_id = str(artifact._client_id)
    digests = sorted({e.digest for e in artifact.manifest.entries.values() if e.ref is None})
    # Offline, every mutable file is staged (missing=None): the upload happens at `trackwell sync`.
    # A server away right now is treated the same way; the saver asks again once it is back.
    missing: set[str] | None = None
    if online and digests:
        try:
            missing = _client(run).missing_blobs(digests)
        except TransportError:
            missing = None
    elif online:
        missing = set()
    record = artifact._to_record(client_id, run_id=run.id, aliases=aliases, tags=tags, missing=missing)
    run._record({"kind": "artifact", **record})
    if not online:
        return artifact
    job = SaveJob(
        _client(run),
        entity=run._info.entity,
        project=run._info.project,
        record=record,
        missing=missing,
        artifact=artifact,
        run_exists=run._uploader.run_exists if run._uploader is not None else None,
        saved_log=SavedLog.for_log(_log_path(run)),
        use_cache=cache,
        run_dir=run._info.run_dir,
    )
    setattr(artifact, JOB_ATTRIBUTE, job)
    # Later calls (download, save, link) reach the server this run logs to, whatever the
    # environment says now (init(settings=...) may have named another one).
    artifact._transfer_client = job.client  # type: ignore[attr-defined]  # remote.client_of reads it
    _jobs(run).append(job)
    saver().submit(job)
    return artifact


def use_artifact(
    run: Run,
    artifact_or_name: Any,
    type: str | None = None,
    aliases: list[str] | None = None,
    use_as: str | None = None,
) -> Artifact:
    from trackwell.artifacts.artifact import Artifact

    if isinstance(artifact_or_name, str):
        entity, project, name, alias = parse_artifact_path(artifact_or_name)
        client = _client(run)
        entity = entity or run._info.entity or client.viewer_entity()
        project = project or run._info.project
        from trackwell.schema.errors import NotFound

        try:
            version = client.get_version(entity, project, name, alias)
        except NotFound as exc:
            raise ArtifactNotFoundError(
                f"artifact membership '{name}:{alias}' not found in '{entity}/{project}': {exc.message}", exc
            ) from None
        if type is not None and version.get("type") != type:
            raise ValueError(
                f"artifact '{name}:{alias}' is of type {version.get('type')!r}, not of type {type!r}"
            )
        artifact = Artifact._from_server(version, client=client.transport)
    else:
        artifact = artifact_or_name
        job: SaveJob | None = getattr(artifact, JOB_ATTRIBUTE, None)
        if job is not None:
            job.wait()  # logged in this process: use the saved version
        elif getattr(artifact, "id", None) is None:
            log_artifact(run, artifact, aliases=aliases)
            getattr(artifact, JOB_ATTRIBUTE).wait()
        if type is not None and artifact.type != type:
            raise ValueError(f"artifact {artifact.name!r} is of type {artifact.type!r}, not {type!r}")
    run._record({"kind": "artifact_use", "artifact_id": str(artifact.id), "used_as": use_as})
    return artifact


def _target(run: Run, target_path: str) -> str:
    """``[entity/][project/]collection`` with the run's entity and project filled in."""
    parts = target_path.split("/")
    if len(parts) > 3 or not all(parts):
        raise UsageError(
            f"link target {target_path!r} must be 'collection', 'project/collection' or "
            "'entity/project/collection'"
        )
    if len(parts) == 1:
        parts.insert(0, run._info.project)
    if len(parts) == 2:
        parts.insert(0, run._info.entity or _client(run).viewer_entity())
    return "/".join(parts)


def link_artifact(run: Run, artifact: Artifact, target_path: str, aliases: list[str] | None = None) -> Any:
    """Put ``artifact``'s version in the portfolio collection ``target_path`` (waits for its save)."""
    job: SaveJob | None = getattr(artifact, JOB_ATTRIBUTE, None)
    if job is not None:
        job.wait()
    if getattr(artifact, "id", None) is None:
        raise UsageError("link_artifact() needs a logged artifact: call run.log_artifact(artifact) first")
    from trackwell.artifacts import remote

    return remote.link(artifact, target_path=_target(run, target_path), aliases=aliases)


def log_model(run: Run, path: Any, name: str | None = None, aliases: list[str] | None = None) -> Artifact:
    return log_artifact(run, os.fspath(path), name=name, type="model", aliases=aliases)


def use_model(run: Run, name: str) -> str:
    """wandb: download a ``model`` artifact; the path of its one file, else of its folder."""
    artifact = use_artifact(run, name)
    if "model" not in str(artifact.type).lower():
        raise AssertionError("You can only use this method for 'model' artifacts.")
    root = artifact.download()
    listed = os.listdir(root)
    return os.path.join(root, listed[0]) if len(listed) == 1 else str(root)


def link_model(
    run: Run,
    path: Any,
    registered_model_name: str,
    name: str | None = None,
    aliases: list[str] | None = None,
) -> Any:
    """wandb: log ``path`` as a model artifact and link it into the registry collection
    ``model-registry/<registered_model_name>`` of the run's entity."""
    artifact = log_model(run, path, name=name)
    return link_artifact(run, artifact, f"model-registry/{registered_model_name}", aliases=aliases)


def wait_for_saves(run: Run, *, quiet: bool) -> None:
    """``finish()``: wait for every pending save of this run, with a progress line on a terminal
    once it takes more than 2 s; a save that sends nothing for ``finish_timeout`` s is given up,
    and its record stays in the run log for ``trackwell sync``."""
    jobs = [job for job in getattr(run, "_artifact_jobs", []) or [] if not job.done.is_set()]
    if not jobs:
        return
    quiet = quiet or term.is_silent()
    total = sum(job.total_bytes for job in jobs)
    stall = float(getattr(run._settings, "finish_timeout", 30.0))
    with Progress("saving artifacts", total_bytes=total, enabled=False if quiet else None, delay=2.0) as bar:
        failed = wait_all(jobs, stall_timeout=stall, on_progress=lambda sent: bar.set(nbytes=sent))
    for job in failed:
        reason = job.error or "the server did not take it in time"
        term.termwarn(
            f'artifact "{job.name}" was not saved ({reason}); it is kept with the run: save it with '
            f"`trackwell sync {run._info.run_dir}`"
        )
