"""What one server process needs to speak the wandb protocol, built once (``Services.wandb``)."""

from __future__ import annotations

import time
from typing import IO, Any

from trackwell.schema.alerts import AlertLevel
from trackwell.schema.files import RunFile
from trackwell.schema.records import AlertRecord, RunMetaRecord
from trackwell.service.access import Action
from trackwell.service.artifacts import ArtifactService
from trackwell.service.files import FileService
from trackwell.service.history import HistoryService
from trackwell.service.records import RecordService
from trackwell.service.runs import RunService
from trackwell.service.sweeps import SweepService
from trackwell.service.wandb_wire import translate
from trackwell.service.wandb_wire.artifacts import WandbArtifacts
from trackwell.service.wandb_wire.file_stream import FileStream
from trackwell.service.wandb_wire.reads import WandbReads
from trackwell.service.wandb_wire.runs import STATE_SESSION, WandbRuns
from trackwell.service.wandb_wire.sweeps import WandbSweeps
from trackwell.service.wandb_wire.uploads import RunFileUploads
from trackwell.store.base import BlobStore, Database, Principal, RunKey

METADATA_FILE = "wandb-metadata.json"
MAX_METADATA_BYTES = 4 << 20  # far above a real one (a few KiB); a bigger one is kept as a file only
_LEVELS: dict[str, AlertLevel] = {"INFO": "INFO", "WARN": "WARN", "ERROR": "ERROR"}


class WandbProtocol:
    def __init__(
        self,
        db: Database,
        runs: RunService,
        records: RecordService,
        files: FileService,
        history: HistoryService,
        sweeps: SweepService,
        secret: bytes,
        *,
        artifacts: ArtifactService,
        blobs: BlobStore,
    ) -> None:
        self.runs = WandbRuns(db, runs, records)
        self.reads = WandbReads(self.runs, history, files)
        self.sweeps = WandbSweeps(self.runs, sweeps)
        self.file_stream = FileStream(db, self.runs, records)
        self.uploads = RunFileUploads(secret)
        self.artifacts = WandbArtifacts(db, blobs, artifacts, self.runs, records, secret)
        self._records = records
        self._files = files

    def receive_file(self, token: str, body: IO[bytes]) -> RunFile:
        """A PUT to an upload URL: the run file, and for ``wandb-metadata.json`` the run's context
        (host, git, python, ...) as the Trackwell SDK records it (``RunOut.metadata``)."""
        key, path = self.uploads.verify(token)
        if path != METADATA_FILE:
            return self._files.upload(key, path, body)
        data = body.read(MAX_METADATA_BYTES + 1)
        stored = self._files.upload(key, path, data)
        metadata = translate.run_metadata(data) if len(data) <= MAX_METADATA_BYTES else None
        if metadata:
            self._records.apply_latest(key, STATE_SESSION, [RunMetaRecord(seq=0, metadata=metadata)])
        return stored

    def upload_tokens(self, principal: Principal, key: RunKey, names: list[str]) -> list[tuple[str, str]]:
        """(file name, token) for each file of CreateRunFiles; the run must exist and be writable."""
        self.runs.authorize(principal, Action.PROJECT_WRITE, key)
        self.runs.runs.get(key)  # NotFound for a run that was never upserted
        return [(name, self.uploads.token(key, name)) for name in names]

    def alert(self, principal: Principal, key: RunKey, fields: dict[str, Any]) -> None:
        """NotifyScriptableRunAlert: ``run.alert()``; wandb sends the wait in milliseconds."""
        self.runs.authorize(principal, Action.PROJECT_WRITE, key)
        wait_ms = fields.get("waitDuration")
        record = AlertRecord(
            seq=0,
            title=str(fields.get("title", "")),
            text=str(fields.get("text", "")),
            level=_LEVELS.get(str(fields.get("severity") or "INFO"), "INFO"),
            wait_duration=max(0.0, float(wait_ms) / 1000.0) if isinstance(wait_ms, (int, float)) else 0.0,
            timestamp=time.time(),
        )
        self._records.apply_latest(key, STATE_SESSION, [record])
