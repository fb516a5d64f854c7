"""The SDK's HTTP client for the trackwell API (``/api/v1``, see docs/architecture.md): one method
per endpoint. Connections, retries of stale keep-alive sockets and error mapping are in
:mod:`trackwell.sdk.transport` (:class:`HttpTransport`, :class:`TransportError`).

Imports: the standard library and ``sdk/wire.py`` at module level. The pydantic models of
``trackwell.schema`` are imported inside the reading methods (``Api``, the CLI): the methods a
training run calls (:meth:`viewer_entity`, :meth:`upsert_run`, :meth:`post_records`,
:meth:`put_file`) speak plain dataclasses, so ``init()`` never pays for importing pydantic.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote

from trackwell.schema.errors import TrackwellError
from trackwell.sdk.transport import HttpTransport, TransportError
from trackwell.sdk.wire import RecordsAck, RunStart, StartedRun, StoredFile

if TYPE_CHECKING:
    from trackwell.schema.auth import ServerInfo, Viewer
    from trackwell.schema.files import RunFileList
    from trackwell.schema.history import HistoryKeys, HistoryRows, SeriesResponse
    from trackwell.schema.records import OutputPage
    from trackwell.schema.runs import ProjectList, RunList, RunOut, RunUpdate
    from trackwell.schema.ui import LoginLink

__all__ = ["GZIP_THRESHOLD", "ApiClient", "TransportError"]

GZIP_THRESHOLD = 1024  # bytes; below this gzip costs more than it saves


def _q(segment: str) -> str:
    return quote(segment, safe="")


class ApiClient(HttpTransport):
    """A client for one server and one API key. Thread-safe: each thread gets its own connection.

    Example::

        with ApiClient("http://127.0.0.1:8080", key) as client:
            print(client.viewer().username)
    """

    # --- API ---------------------------------------------------------------------------------

    def healthz(self) -> bool:
        """True when a trackwell server answers ``GET /healthz``."""
        try:
            return bool(self._json("GET", "/healthz", auth=False).get("ok"))
        except TrackwellError:
            return False

    def server_info(self) -> ServerInfo:
        from trackwell.schema.auth import ServerInfo

        return ServerInfo.model_validate(self._json("GET", "/api/v1/server-info", auth=False))

    def viewer(self) -> Viewer:
        from trackwell.schema.auth import Viewer

        return Viewer.model_validate(self._json("GET", "/api/v1/viewer"))

    def viewer_entity(self) -> str:
        """The key's default entity (``viewer().entity`` without the model, for ``init()``)."""
        entity = self._json("GET", "/api/v1/viewer").get("entity")
        if not isinstance(entity, str):
            raise TrackwellError("the server's /api/v1/viewer answer has no entity")
        return entity

    def list_projects(self, entity: str | None = None, search: str | None = None) -> ProjectList:
        from trackwell.schema.runs import ProjectList

        query = {"entity": entity, "search": search}
        return ProjectList.model_validate(self._json("GET", "/api/v1/projects", query=query))

    def upsert_run(self, entity: str, project: str, run_id: str, body: RunStart) -> StartedRun:
        """Create or resume a run (``resume`` decides which; see ``schema.runs.RunUpsert``)."""
        data = self._json("PUT", self._run(entity, project, run_id), body=body.to_json())
        return StartedRun.from_dict(data)

    def get_run(self, entity: str, project: str, run_id: str) -> RunOut:
        from trackwell.schema.runs import RunOut

        return RunOut.model_validate(self._json("GET", self._run(entity, project, run_id)))

    def update_run(self, entity: str, project: str, run_id: str, body: RunUpdate) -> RunOut:
        from trackwell.schema.runs import RunOut

        data = body.model_dump_json(exclude_unset=True).encode()
        path = self._run(entity, project, run_id)
        return RunOut.model_validate(self._json("PATCH", path, body=data))

    def delete_run(self, entity: str, project: str, run_id: str) -> None:
        self._request("DELETE", self._run(entity, project, run_id))

    def query_runs(
        self,
        entity: str,
        project: str,
        filters: Mapping[str, Any] | None = None,
        order: str | None = "-created_at",
        limit: int = 50,
        offset: int = 0,
    ) -> RunList:
        """One page of a project's runs; ``filters`` is a MongoDB-style dict evaluated by the server."""
        from trackwell.schema.runs import RunList

        query: dict[str, Any] = {"order": order, "limit": limit, "offset": offset}
        if filters:
            query["filters"] = json.dumps(filters)
        path = f"/api/v1/runs/{_q(entity)}/{_q(project)}"
        return RunList.model_validate(self._json("GET", path, query=query))

    def bulk_runs(self, entity: str, project: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /api/v1/runs/{entity}/{project}/bulk`` (``trackwell runs archive|tag|move ...``):
        ``{"run_ids", "action", "tags"?, "to_project"?}`` -> ``{"action", "changed", "unchanged"}``."""
        path = f"/api/v1/runs/{_q(entity)}/{_q(project)}/bulk"
        return dict(self._json("POST", path, body=json.dumps(dict(body)).encode()))

    def post_records(self, entity: str, project: str, run_id: str, batch_json: bytes) -> RecordsAck:
        """Send one ``RecordBatch`` (already serialized); gzip-encoded when larger than 1 KiB."""
        headers = {"Content-Type": "application/json"}
        if len(batch_json) > GZIP_THRESHOLD and self.compress:
            batch_json = gzip.compress(batch_json, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
        path = self._run(entity, project, run_id) + "/records"
        raw = self._request("POST", path, body=batch_json, headers=headers)
        return RecordsAck.from_dict(json.loads(raw))

    def put_file(
        self, entity: str, project: str, run_id: str, path: str, data: bytes | BinaryIO
    ) -> StoredFile:
        """Upload one run file (``path`` relative to the run's files/, '/'-separated)."""
        url = self._run(entity, project, run_id) + "/files/" + quote(path, safe="/")
        headers = {"Content-Type": "application/octet-stream"}
        body: bytes | BinaryIO = data
        if not isinstance(data, bytes | bytearray):
            try:  # a real file: stream it with a known length
                size = os.fstat(data.fileno()).st_size - data.tell()
                headers["Content-Length"] = str(size)
            except (OSError, AttributeError, ValueError):
                body = data.read()
        raw = self._request("PUT", url, body=body, headers=headers)
        return StoredFile.from_dict(json.loads(raw))

    def list_files(self, entity: str, project: str, run_id: str) -> RunFileList:
        from trackwell.schema.files import RunFileList

        path = self._run(entity, project, run_id) + "/files"
        return RunFileList.model_validate(self._json("GET", path))

    def read_file(self, entity: str, project: str, run_id: str, path: str) -> bytes:
        url = self._run(entity, project, run_id) + "/files/" + quote(path, safe="/")
        return self._request("GET", url)

    def download_file(self, entity: str, project: str, run_id: str, path: str, dest: Path) -> Path:
        """Write a run file to ``dest`` (atomically: a partial download never appears there)."""
        url = self._run(entity, project, run_id) + "/files/" + quote(path, safe="/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.part-{os.getpid()}-{threading.get_ident()}")
        try:
            with tmp.open("wb") as out:
                self._request("GET", url, sink=out)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return dest

    def history_keys(self, entity: str, project: str, run_id: str, stream: str = "history") -> HistoryKeys:
        from trackwell.schema.history import HistoryKeys

        path = self._run(entity, project, run_id) + "/history/keys"
        return HistoryKeys.model_validate(self._json("GET", path, query={"stream": stream}))

    def history_series(
        self,
        entity: str,
        project: str,
        run_id: str,
        keys: list[str],
        *,
        min_step: int | None = None,
        max_step: int | None = None,
        samples: int = 1000,
        stream: str = "history",
    ) -> SeriesResponse:
        from trackwell.schema.history import SeriesResponse

        query = {
            "keys": ",".join(keys),
            "min_step": min_step,
            "max_step": max_step,
            "samples": samples,
            "stream": stream,
        }
        path = self._run(entity, project, run_id) + "/history/series"
        return SeriesResponse.model_validate(self._json("GET", path, query=query))

    def history_rows(
        self,
        entity: str,
        project: str,
        run_id: str,
        keys: list[str] | None = None,
        *,
        min_step: int | None = None,
        max_step: int | None = None,
        limit: int = 1000,
        stream: str = "history",
    ) -> HistoryRows:
        from trackwell.schema.history import HistoryRows

        query = {
            "keys": ",".join(keys) if keys else None,
            "min_step": min_step,
            "max_step": max_step,
            "limit": limit,
            "stream": stream,
        }
        path = self._run(entity, project, run_id) + "/history/rows"
        return HistoryRows.model_validate(self._json("GET", path, query=query))

    def release_thread_connection(self) -> None:
        """Close the calling thread's connection: a worker thread that ends must not leave its
        keep-alive socket open until the client is closed."""
        self._drop_connection()

    def history_arrow(
        self,
        entity: str,
        project: str,
        run_id: str,
        keys: list[str] | None = None,
        *,
        min_step: int | None = None,
        max_step: int | None = None,
        limit: int | None = None,
        stream: str = "history",
    ) -> bytes:
        """One page of full-resolution history as an Arrow IPC stream (``trackwell.apis.frames``
        reads it); its buffers are zstd-compressed unless the server is on this machine."""
        query = {
            "keys": ",".join(keys) if keys else None,
            "min_step": min_step,
            "max_step": max_step,
            "limit": limit,
            "stream": stream,
            "compression": "zstd" if self.compress else None,
        }
        return self._request("GET", self._run(entity, project, run_id) + "/history/arrow", query=query)

    def read_output(
        self, entity: str, project: str, run_id: str, *, offset: int = 0, limit: int = 1000
    ) -> OutputPage:
        """Console lines ``offset..offset+limit`` (a rewritten progress-bar line appears once)."""
        from trackwell.schema.records import OutputPage

        path = self._run(entity, project, run_id) + "/output"
        return OutputPage.model_validate(self._json("GET", path, query={"offset": offset, "limit": limit}))

    def login_link(self) -> LoginLink:
        """A one-time link that signs the browser in as this key's user (``trackwell ui``)."""
        from trackwell.schema.ui import LoginLink

        return LoginLink.model_validate(self._json("POST", "/api/v1/session/login-link"))

    # --- plumbing ----------------------------------------------------------------------------

    def _run(self, entity: str, project: str, run_id: str) -> str:
        return f"/api/v1/runs/{_q(entity)}/{_q(project)}/{_q(run_id)}"
