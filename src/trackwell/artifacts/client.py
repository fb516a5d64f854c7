"""The artifact and blob routes of ``/api/v1`` as the SDK calls them (docs/artifacts.md, "HTTP API").

Plain dicts in and out, never pydantic: ``run.log_artifact`` runs in a training process, which must
not pay for importing pydantic (docs/architecture.md). The requests go through the run's own
:class:`~trackwell.sdk.transport.HttpTransport` (keep-alive connection per thread, proxies, CA
bundles, the API key scrubbed from errors, HTTP errors turned back into domain exceptions).

Blob bytes may live elsewhere: ``POST /blobs/urls`` and multipart sessions can answer presigned S3
URLs. Those are reached through a transport of their own per origin, *without* our API key (a
presigned URL carries its own signature, and our key must never leave for a third party).

Large bodies are streamed from their file through :class:`FileRange` (and many small files
framed in one body through :class:`FramedFiles`: ``artifacts/bodies.py``), so no upload ever holds
a whole file (or part) in memory. Small blobs travel many to a request both ways (``POST
/blobs/write`` and ``/blobs/read``): the server's cost per request, not the bytes, bounded
transfers of many small files.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast
from urllib.parse import quote, urlsplit

from trackwell.artifacts.bodies import FileRange, FramedFiles
from trackwell.sdk.route_client import RouteClient
from trackwell.sdk.transport import HttpTransport, TransportError

__all__ = ["MAX_DIGESTS", "ArtifactClient", "FileRange", "FramedFiles", "TransportError"]

MAX_DIGESTS = 10_000  # BlobDigests' limit: one request per this many digests
_READ_CHUNK = 1 << 20  # bytes read from a framed answer per readinto (one reused buffer)
BLOBS_MEDIA_TYPE = "application/vnd.trackwell.blobs"  # the framed answer (service/blob_batches.py)


class Writable(Protocol):
    """Where a download is written: a file, the cache's hashing writer, a hashing temp file."""

    def write(self, data: bytes | memoryview) -> int: ...


def _q(segment: str) -> str:
    return quote(segment, safe="")


class ArtifactClient(RouteClient):
    """The artifact routes for one server, over ``transport`` (shared with the run: its uploader
    thread and this client's threads each get their own connection)."""

    def __init__(self, transport: HttpTransport) -> None:
        super().__init__(transport)
        self._external: dict[str, HttpTransport] = {}
        self.batch_writes_unsupported = False  # an older server: no POST /blobs/write (one PUT each)
        self._lock = threading.Lock()

    def release_thread_connection(self) -> None:
        """Close the calling thread's sockets (a pool thread that ends must not leave them open)."""
        drop = getattr(self.transport, "_drop_connection", None)
        if drop is not None:
            drop()
        with self._lock:
            externals = list(self._external.values())
        for external in externals:
            external._drop_connection()

    def close(self) -> None:
        # Only the connections to external stores: the transport is the run's, which closes it.
        with self._lock:
            externals, self._external = list(self._external.values()), {}
        for external in externals:
            external.close()

    # --- blobs ------------------------------------------------------------------------------

    def missing_blobs(self, digests: Iterable[str]) -> set[str]:
        """The digests the server lacks (one request per 10,000)."""
        wanted = sorted(set(digests))
        missing: set[str] = set()
        for i in range(0, len(wanted), MAX_DIGESTS):
            answer = self._post("/api/v1/blobs/missing", {"sha256": wanted[i : i + MAX_DIGESTS]})
            missing.update(answer.get("sha256", []))
        return missing

    def put_blob(self, sha256: str, body: FileRange | bytes, size: int) -> dict[str, Any]:
        """One request for a small blob; the server hashes it while storing and refuses a mismatch."""
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        data = body if isinstance(body, bytes) else cast(BinaryIO, body)
        raw = self.transport._request("PUT", f"/api/v1/blobs/{_q(sha256)}", body=data, headers=headers)
        return _loads(raw)

    def start_upload(self, sha256: str, size: int) -> dict[str, Any]:
        """Start, or resume (same digest and size), a multipart upload: an ``UploadSession``."""
        return self._post(f"/api/v1/blobs/{_q(sha256)}/uploads", {"size": size})

    def put_part(self, upload_id: str, number: int, body: FileRange, size: int) -> dict[str, Any]:
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        path = f"/api/v1/blobs/uploads/{_q(upload_id)}/parts/{number}"
        return _loads(self.transport._request("PUT", path, body=cast(BinaryIO, body), headers=headers))

    def put_presigned(self, url: str, body: FileRange, size: int) -> str | None:
        """PUT a part straight to a presigned URL (S3); returns its ETag. No API key is sent."""
        transport, path = self._external_for(url)
        headers = {"Content-Length": str(size), "User-Agent": "trackwell"}
        conn, _ = transport._connection()
        try:
            conn.request("PUT", transport._url_origin + path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            transport._drop_connection()
            raise transport._transport_error("PUT", path.split("?")[0], exc) from None
        if response.will_close:
            transport._drop_connection()
        if response.status >= 400:
            raise transport._http_error(response.status, data)
        return response.getheader("ETag")

    def complete_upload(self, upload_id: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
        return self._post(f"/api/v1/blobs/uploads/{_q(upload_id)}/complete", {"parts": parts})

    def blob_urls(self, digests: Iterable[str]) -> dict[str, str]:
        """Where to GET each blob (one request per 10,000 digests)."""
        wanted = sorted(set(digests))
        urls: dict[str, str] = {}
        for i in range(0, len(wanted), MAX_DIGESTS):
            answer = self._post("/api/v1/blobs/urls", {"sha256": wanted[i : i + MAX_DIGESTS]})
            urls.update(answer.get("urls", {}))
        return urls

    def fetch(self, url: str, sink: Writable) -> None:
        """GET ``url`` into ``sink``: this server's paths with the API key, any other origin
        (presigned S3, an http(s) reference) without it."""
        out = cast(BinaryIO, sink)
        if url.startswith("/"):
            self.transport._request("GET", url, sink=out)
            return
        if url.startswith(self.base_url + "/"):
            self.transport._request("GET", url[len(self.base_url) :], sink=out)
            return
        transport, path = self._external_for(url)
        transport._request("GET", path, sink=out, auth=False)

    def read_blobs(
        self, digests: list[str], sink_for: Callable[[str, int], AbstractContextManager[Writable]]
    ) -> None:
        """``POST /blobs/read``: many blobs in one framed answer (``service/blob_batches.py``).

        For each blob, in the order asked, ``sink_for(digest, size)`` gives a context manager whose
        writer receives the bytes; leaving it cleanly is the caller's "stored" (it verifies the
        digest there). The body is read with ``readinto`` into one reused buffer: no allocation
        per chunk. A frame that is not the one expected, or an answer cut short, is a
        :class:`TransportError` (retryable: the caller asks again for the blobs not stored yet).
        ``NotImplementedError`` when the server predates the route (405, or an answer of another
        type): use GETs.
        """
        body = json.dumps({"sha256": digests}, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        transport, path = self.transport, "/api/v1/blobs/read"
        response = self._send(transport, "POST", path, body, headers)
        try:
            if response.status >= 400 and response.status != 405:
                raise transport._http_error(response.status, response.read())
            if response.status == 405 or response.getheader("Content-Type", "") != BLOBS_MEDIA_TYPE:
                response.read()  # an older server (its GET /blobs/{sha256} matched "read"), or another
                raise NotImplementedError("this server has no POST /api/v1/blobs/read")
            view = memoryview(bytearray(_READ_CHUNK))
            for digest in digests:
                header = response.readline(200)
                name, _, size_text = header.rstrip(b"\n").decode("ascii", "replace").partition(" ")
                if name != digest or not size_text.isdigit():
                    raise TransportError(f"POST {path}: expected blob {digest[:12]}, got {header[:80]!r}")
                left = int(size_text)
                with sink_for(digest, left) as sink:
                    while left > 0:
                        got = response.readinto(view[: min(left, _READ_CHUNK)])
                        if not got:
                            raise TransportError(f"POST {path}: the answer ended inside blob {digest[:12]}")
                        sink.write(view[:got])
                        left -= got
        except (OSError, http.client.HTTPException) as exc:
            transport._drop_connection()
            raise transport._transport_error("POST", path, exc) from None
        except BaseException:
            transport._drop_connection()  # the rest of the answer is unread: the socket is unusable
            raise
        if response.will_close:
            transport._drop_connection()

    def write_blobs(self, body: FramedFiles) -> list[str]:
        """``POST /blobs/write``: many blobs in one framed body (``service/blob_batches.py``); the
        digests the server stored, each durable. ``NotImplementedError`` from an older server (405):
        send them one by one."""
        headers = {"Content-Type": BLOBS_MEDIA_TYPE, "Content-Length": str(body.length)}
        transport, path = self.transport, "/api/v1/blobs/write"
        response = self._send(transport, "POST", path, cast(bytes, body), headers)
        try:
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            transport._drop_connection()
            raise transport._transport_error("POST", path, exc) from None
        if response.will_close:
            transport._drop_connection()
        if response.status == 405:
            raise NotImplementedError("this server has no POST /api/v1/blobs/write")
        if response.status >= 400:
            raise transport._http_error(response.status, data)
        return [str(d) for d in _loads(data).get("sha256", [])]

    def _send(
        self, transport: HttpTransport, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        """Send a request on this thread's connection and answer the response unread (a stale
        keep-alive connection is replaced once, as the transport does)."""
        url = transport._url_origin + transport._prefix + path
        all_headers = {"User-Agent": "trackwell", **headers}
        if transport._api_key:
            all_headers["Authorization"] = f"Bearer {transport._api_key}"
        if transport._url_origin and transport._proxy is not None and transport._proxy.authorization:
            all_headers["Proxy-Authorization"] = transport._proxy.authorization
        for attempt in (0, 1):
            conn, reused = transport._connection()
            try:
                conn.request(method, url, body=body, headers=all_headers)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                transport._drop_connection()
                if reused and attempt == 0:
                    if not isinstance(body, bytes):
                        cast(BinaryIO, body).seek(0)  # the first try consumed part of the stream
                    continue
                raise transport._transport_error(method, path, exc) from None
            except (OSError, http.client.HTTPException) as exc:
                transport._drop_connection()
                raise transport._transport_error(method, path, exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    # --- artifacts --------------------------------------------------------------------------

    def collection_path(self, entity: str, project: str, name: str) -> str:
        return f"/api/v1/artifacts/{_q(entity)}/{_q(project)}/collections/{_q(name)}"

    def version_path(self, entity: str, project: str, name: str, version: str) -> str:
        return self.collection_path(entity, project, name) + f"/versions/{_q(version)}"

    def create_version(self, entity: str, project: str, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST .../versions``: idempotent per ``client_id``; ``created`` is false when deduplicated."""
        return self._post(self.collection_path(entity, project, name) + "/versions", body)

    def get_version(self, entity: str, project: str, name: str, version: str) -> dict[str, Any]:
        return self._get(self.version_path(entity, project, name, version))

    def get_version_by_id(self, version_id: str) -> dict[str, Any]:
        return self._get(f"/api/v1/artifacts/by-id/{_q(version_id)}")

    def get_manifest(self, entity: str, project: str, name: str, version: str) -> dict[str, Any]:
        return self._get(self.version_path(entity, project, name, version) + "/manifest")

    def update_version(
        self, entity: str, project: str, name: str, version: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return self._json("PATCH", self.version_path(entity, project, name, version), body)

    def delete_version(
        self, entity: str, project: str, name: str, version: str, *, delete_aliases: bool = False
    ) -> None:
        path = self.version_path(entity, project, name, version)
        query = {"delete_aliases": "true" if delete_aliases else "false"}
        self.transport._request("DELETE", path, query=query)

    def link_version(
        self, entity: str, project: str, name: str, version: str, target: str, aliases: list[str]
    ) -> dict[str, Any]:
        path = self.version_path(entity, project, name, version) + "/links"
        return self._post(path, {"target": target, "aliases": aliases})

    def used_by(self, entity: str, project: str, name: str, version: str) -> list[dict[str, Any]]:
        answer = self._get(self.version_path(entity, project, name, version) + "/used-by")
        return list(answer.get("runs", []))

    def file_url(self, entity: str, project: str, name: str, version: str, path: str) -> str:
        return self.base_url + self.version_path(entity, project, name, version) + "/files/" + quote(path)

    # --- plumbing ---------------------------------------------------------------------------

    def _get(self, path: str, query: Mapping[str, Any] | None = None) -> dict[str, Any]:
        answer = self.transport._json("GET", path, query=query)
        return answer if isinstance(answer, dict) else {}

    def _post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._json("POST", path, body)

    def _external_for(self, url: str) -> tuple[HttpTransport, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise TransportError(f"cannot fetch {url[:200]!r}: not an http(s) URL")
        origin = f"{parts.scheme}://{parts.netloc}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            transport = self._external.get(origin)
            if transport is None:
                transport = HttpTransport(origin, None, timeout=self.transport.timeout, compress=False)
                self._external[origin] = transport
        return transport, path


def _loads(raw: bytes) -> dict[str, Any]:
    answer = json.loads(raw) if raw else {}
    return answer if isinstance(answer, dict) else {}


def file_size(path: str | Path) -> int:
    return os.stat(path).st_size
