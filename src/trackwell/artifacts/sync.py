"""``trackwell sync``'s artifact step: save the ``artifact`` records of a run log that are not saved.

Why: ``log_artifact`` in an offline run, or a save that failed (server away, process killed
mid-upload), leaves its ``artifact`` record in the run log with the files it needs (staged copies,
or the original files for ``policy="immutable"``). After the run's records are delivered (so the
run exists), each record not noted in ``run-<id>.twlog.artifacts`` is saved exactly as the live
saver does (:class:`~trackwell.artifacts.saver.SaveJob`): ask which blobs are missing, upload those
(a big one resumes its multipart upload where it stopped), create the version. Idempotent: the
server answers the version already made for a ``client_id``, so syncing twice saves nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.artifacts.client import ArtifactClient
from trackwell.artifacts.saver import SavedLog, SaveJob
from trackwell.sdk.runlog import mentions_kind, peek_seq_kind, read_frames
from trackwell.sdk.transport import HttpTransport
from trackwell.sdk.upload_state import read_session

ARTIFACT_KIND = "artifact"


def artifact_records(log_path: Path) -> list[dict[str, Any]]:
    """Every ``artifact`` record of the log, in order (only those frames are parsed)."""
    records = []
    for _, payload in read_frames(log_path, 0, final=True).frames:
        if not mentions_kind(payload, ARTIFACT_KIND):
            continue
        try:
            kind = peek_seq_kind(payload)[1]
        except ValueError:
            continue  # the session header
        if kind == ARTIFACT_KIND:
            records.append(json.loads(payload))
    return records


def unsaved(log_path: Path) -> list[dict[str, Any]]:
    saved = SavedLog.for_log(log_path).saved()
    return [r for r in artifact_records(log_path) if r["client_id"] not in saved]


def save_artifacts(log_path: Path, client_factory: Callable[[], Any]) -> str | None:
    """Save the log's unsaved artifact records; None when all are saved, else what failed."""
    records = unsaved(log_path)
    if not records:
        return None
    header = read_session(log_path) or {}
    transport: HttpTransport = client_factory()
    client = ArtifactClient(transport)
    problems: list[str] = []
    try:
        entity = header.get("entity") or client.viewer_entity()
        saved_log = SavedLog.for_log(log_path)
        for record in records:
            body: dict[str, Any] = {
                k: record[k] for k in ("client_id", "name", "create", "local_paths") if k in record
            }
            job = SaveJob(
                client,
                entity=entity,
                project=str(header["project"]),
                record=body,
                missing=None,  # asked by the job itself, with retries
                saved_log=saved_log,
            )
            job.run()
            if job.error is not None:
                problems.append(f'artifact "{body["name"]}" was not saved: {job.error}')
    finally:
        client.close()
        transport.close()
    return "; ".join(problems) or None
