"""The run's routes as the uploader calls them: a file's bytes, a batch of records, a heartbeat.

Split from :mod:`uploader` (which decides what to send and when, and what a failure means): this
module knows the requests. Every call goes to the run the log's session header names; when the
server does not know the run yet (an offline run, or the server was down at ``init``), the first
call that finds it missing creates it once (``PUT`` with the header's upsert, ``resume="allow"``)
and is made again. Files can come before any record, so any call may be the first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from trackwell.schema.errors import NotFound
from trackwell.sdk.wire import RecordsAck, RunStart, StartedRun, StoredFile

T = TypeVar("T")
log = logging.getLogger("trackwell.sdk")


class RecordsClient(Protocol):
    """What the uploader needs from :class:`~trackwell.sdk.api_client.ApiClient`."""

    def viewer_entity(self) -> str: ...
    def upsert_run(self, entity: str, project: str, run_id: str, body: RunStart) -> StartedRun: ...
    def post_records(self, entity: str, project: str, run_id: str, batch_json: bytes) -> RecordsAck: ...
    def put_file(self, entity: str, project: str, run_id: str, path: str, data: bytes) -> StoredFile: ...
    def close(self) -> None: ...


def records_body(session_id: str, records_json: bytes) -> bytes:
    """A ``RecordBatch`` request body around the already-encoded JSON array of records."""
    return b'{"session_id":' + json.dumps(session_id).encode() + b',"records":' + records_json + b"}"


class RunCalls:
    """Requests for the run named by ``header`` (the session header; its ``entity`` may be filled
    in later, so it is read at each call). ``upserted``: the run is known to exist."""

    def __init__(
        self, client: RecordsClient, header: dict[str, Any], files_dir: Path, *, upserted: bool
    ) -> None:
        self.client = client
        self.header = header
        self.files_dir = files_dir
        self.upserted = upserted

    def post_records(self, body: bytes) -> RecordsAck:
        header = self.header
        return self._on_run(
            lambda: self.client.post_records(header["entity"], header["project"], header["run_id"], body)
        )

    def put_file(self, payload: bytes) -> None:
        """Upload the bytes of the file a ``file`` record (``payload``) names, from the run's files."""
        header = self.header
        record = json.loads(payload)
        path = self.files_dir / record["path"]
        try:
            data = path.read_bytes()
        except OSError:
            log.warning("run file %s is gone; sending its record without the bytes", path)
            return
        self._on_run(
            lambda: self.client.put_file(
                header["entity"], header["project"], header["run_id"], record["path"], data
            )
        )

    def _on_run(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except NotFound:
            if self.upserted:
                raise
            self._upsert()
            return call()

    def _upsert(self) -> None:
        # Only when the server does not know the run: upserting a run that exists would mark a
        # finished run "running" again.
        header = self.header
        body = RunStart.from_dict({**header.get("upsert", {}), "resume": "allow"})
        self.client.upsert_run(header["entity"], header["project"], header["run_id"], body)
        self.upserted = True
