"""HTTP plumbing of the SDK's client: one keep-alive connection per thread, errors turned back
into domain exceptions, the API key kept out of every message (:class:`HttpTransport`).

Why the standard library and not httpx: this module is imported by ``trackwell.init()`` in every
training script, and ``http.client`` costs nothing to import. One keep-alive connection per thread
(the uploader thread and the user's thread never share a socket), rebuilt once when the server
closed an idle one.

Errors: an HTTP error answer is turned back into the domain exception the server raised
(:func:`trackwell.schema.errors.error_from_body`), so callers catch ``NotFound`` or ``SequenceGap``
whatever side raised it. Network failures, timeouts and 5xx/429 answers raise :class:`TransportError`,
the one retryable error. The API key is sent only in the ``Authorization`` header and is scrubbed
from every message this module produces.

Proxies and CA bundles (:mod:`trackwell.sdk.network`): ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``
and ``REQUESTS_CA_BUNDLE``/``SSL_CERT_FILE`` as ``requests`` reads them. An https server is reached
through the proxy with a ``CONNECT`` tunnel (TLS end to end, the certificate checked against the
server's name); an http server with absolute-form requests. Loopback is never proxied.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Self
from urllib.parse import urlencode, urlsplit

from trackwell import __version__
from trackwell.schema.errors import InvalidArgument, TrackwellError, Unauthorized, error_from_body
from trackwell.sdk.network import Proxy, ca_bundle, proxy_for

if TYPE_CHECKING:
    import ssl

_CHUNK = 1 << 20
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class TransportError(TrackwellError):
    """The request did not get a usable answer: connection refused or reset, timeout, 5xx or 429.

    Retryable: the uploader backs off and tries again; nothing was (reliably) applied.
    """

    code = "transport_error"
    http_status = 503
    retryable = True

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class HttpTransport:
    """Requests to one server with one API key. Thread-safe: each thread gets its own connection."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        timeout: float = 10.0,
        verify: bool = True,
        compress: bool | None = None,
        proxy: str | None = None,
        ca_certs: str | None = None,
    ) -> None:
        """``proxy``: an http:// proxy URL to use instead of the environment's (loopback and
        ``NO_PROXY`` still go direct; see :mod:`trackwell.sdk.network`); ``ca_certs``: a CA bundle
        file or directory to trust instead of the system's (default: ``REQUESTS_CA_BUNDLE``)."""
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidArgument(
                f"base URL {base_url!r} is not an http(s) URL",
                field="base_url",
                hint="use e.g. http://127.0.0.1:8080",
            )
        self.base_url = base_url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        # gzip record batches over networks; to a server on this machine it is only CPU (None: decide
        # by the host name).
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        self.compress = compress if compress is not None else not loopback
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._proxy: Proxy | None = proxy_for(base_url, explicit=proxy)
        # Through a proxy, a plain-http request names the whole URL (absolute form).
        origin = f"http://{parts.netloc.rpartition('@')[2]}"
        self._url_origin = origin if self._proxy is not None and not self._https else ""
        self._api_key = api_key
        self.timeout = timeout
        # Loading the system's CA certificates costs ~25 ms: only https endpoints pay for it.
        self._ssl: ssl.SSLContext | None = None
        if self._https:
            import ssl  # only for https: it costs ~5 ms to import, and a local server is http

            bundle = ca_certs or ca_bundle()
            if bundle is None:
                self._ssl = ssl.create_default_context()
            elif os.path.isdir(bundle):
                self._ssl = ssl.create_default_context(capath=bundle)
            else:
                self._ssl = ssl.create_default_context(cafile=bundle)
            if not verify:  # login(verify=False): self-signed test servers
                self._ssl.check_hostname = False
                self._ssl.verify_mode = ssl.CERT_NONE
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # wandb.Api() is never closed by user code: close sockets rather than leak them.
        try:
            self.close()
        except Exception:
            pass

    def close(self) -> None:
        """Close every thread's connection (a later request opens a new one)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local.__dict__.clear()

    # --- plumbing ----------------------------------------------------------------------------

    def _json(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        auth: bool = True,
    ) -> Any:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        raw = self._request(method, path, query=query, body=body, headers=headers, auth=auth)
        # json.loads reads the bare NaN/Infinity tokens the server may send.
        return json.loads(raw) if raw else None

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it was used before (so may be stale)."""
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn, True
        proxy = self._proxy
        if proxy is None and self._https:
            conn = _NoDelayHTTPSConnection(self._host, self._port, timeout=self.timeout, context=self._ssl)
        elif proxy is None:
            conn = _NoDelayHTTPConnection(self._host, self._port, timeout=self.timeout)
        elif self._https:
            conn = _NoDelayHTTPSConnection(proxy.host, proxy.port, timeout=self.timeout, context=self._ssl)
            auth = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else None
            conn.set_tunnel(self._host, self._port or 443, headers=auth)
        else:
            conn = _NoDelayHTTPConnection(proxy.host, proxy.port, timeout=self.timeout)
        self._local.conn = conn
        with self._lock:
            self._all.append(conn)
        return conn, False

    def _drop_connection(self) -> None:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        conn.close()
        self._local.conn = None
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: bytes | BinaryIO | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        sink: BinaryIO | None = None,
    ) -> bytes:
        url = self._url_origin + self._prefix + path
        params = {k: v for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urlencode(params)
        all_headers = {"User-Agent": f"trackwell/{__version__}", "Accept-Encoding": "gzip"}
        all_headers.update(headers or {})
        if auth and self._api_key:
            all_headers["Authorization"] = f"Bearer {self._api_key}"
        if self._url_origin and self._proxy is not None and self._proxy.authorization:
            all_headers["Proxy-Authorization"] = self._proxy.authorization
        start = body.tell() if body is not None and not isinstance(body, bytes | bytearray) else 0
        for attempt in (0, 1):
            conn, reused = self._connection()
            try:
                conn.request(method, url, body=body, headers=all_headers)
                response = conn.getresponse()
                data = self._read(response, sink)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop_connection()
                # A keep-alive connection the server closed while idle: retry once on a new one.
                if reused and attempt == 0:
                    if body is not None and not isinstance(body, bytes | bytearray):
                        body.seek(start)  # the first try consumed part of the stream
                    continue
                raise self._transport_error(method, path, exc) from None
            except (OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                raise self._transport_error(method, path, exc) from None
            if response.will_close:
                self._drop_connection()
            if response.status >= 400:
                raise self._http_error(response.status, data)
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, response: http.client.HTTPResponse, sink: BinaryIO | None) -> bytes:
        gzipped = response.getheader("Content-Encoding", "") == "gzip"
        if sink is None or response.status >= 400:
            data = response.read()
            return gzip.decompress(data) if gzipped and data else data
        if gzipped:
            with gzip.GzipFile(fileobj=response) as unzipped:
                while chunk := unzipped.read(_CHUNK):
                    sink.write(chunk)
        else:
            while chunk := response.read(_CHUNK):
                sink.write(chunk)
        return b""

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _transport_error(self, method: str, path: str, exc: BaseException) -> TransportError:
        reason = self._scrub(str(exc) or type(exc).__name__)
        via = f" (through the proxy {self._proxy.host}:{self._proxy.port})" if self._proxy else ""
        return TransportError(
            f"{method} {self.base_url}{path.split('?')[0]}{via} failed: {reason}",
            hint="is the server running and reachable? the SDK retries; `trackwell sync` uploads later",
        )

    def _http_error(self, status: int, data: bytes) -> TrackwellError:
        try:
            parsed: Any = json.loads(data)
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        error = error_from_body(status, parsed)
        message = self._scrub(error.message)
        if status == 401 or isinstance(error, Unauthorized):
            return Unauthorized(
                f"the server at {self.base_url} refused the API key: {message}",
                hint="run `trackwell login` (or `wandb.login(key=...)`) or set WANDB_API_KEY",
            )
        if status in _RETRYABLE_STATUS:
            return TransportError(f"server answered HTTP {status}: {message}", status=status)
        error.message = message
        error.hint = self._scrub(error.hint) if error.hint else None
        return error


class _NoDelayHTTPConnection(http.client.HTTPConnection):
    """TCP_NODELAY: small requests and answers would otherwise wait ~40 ms for a delayed ACK
    (Nagle's algorithm), which made every init() upsert take 47 ms instead of 6 ms."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _NoDelayHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
