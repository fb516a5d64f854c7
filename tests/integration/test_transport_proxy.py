"""The SDK's HTTP transport behind a company network: an HTTP proxy (``HTTPS_PROXY``/``HTTP_PROXY``,
``NO_PROXY``) and a private CA (``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``).

Everything is real and on loopback: the trackwell server, a TLS front for it with a certificate
from a CA made here (trustme), and a threaded forward proxy written here that records what passes
through it. The server is addressed as ``trackwell.test``, a name only the proxy resolves: a request
that reaches the server went through the proxy.
"""

from __future__ import annotations

import os
import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

import trackwell
from tests.fixtures.live_server import LiveServer
from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.api_client import ApiClient, TransportError
from trackwell.sdk.network import bypassed, proxy_for

HOST = "trackwell.test"


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], 30)
            if not ready:
                return
            for src in ready:
                data = src.recv(65536)
                if not data:
                    return
                (b if src is a else a).sendall(data)
    except OSError:
        return
    finally:
        for s in (a, b):
            try:
                s.close()
            except OSError:
                pass


def _resolve(host: str) -> str:
    return "127.0.0.1" if host == HOST else host


class RecordingProxy(socketserver.ThreadingTCPServer):
    """A forward proxy: ``CONNECT host:port`` tunnels, absolute-form requests are relayed (one per
    connection). ``seen`` holds (method, target, Proxy-Authorization) for each request."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[tuple[str, str, str | None]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(socketserver.BaseRequestHandler):
    server: RecordingProxy

    def handle(self) -> None:
        client: socket.socket = self.request
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                return
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        auth = next((v for k, v in headers.items() if k.lower() == "proxy-authorization"), None)
        self.server.seen.append((method, target, auth))
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((_resolve(host), int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(client, upstream)
            return
        # absolute form: http://host:port/path -> origin form to the server
        without_scheme = target.split("://", 1)[1]
        netloc, _, path = without_scheme.partition("/")
        host, _, port = netloc.partition(":")
        upstream = socket.create_connection((_resolve(host), int(port or 80)))
        kept = [
            f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("proxy-authorization", "connection")
        ]
        request = "\r\n".join([f"{method} /{path} {version}", *kept, "Connection: close", "", ""])
        upstream.sendall(request.encode("latin-1") + rest)
        _pipe(client, upstream)


class TlsFront(socketserver.ThreadingTCPServer):
    """TLS on loopback in front of the plain-http trackwell server (as a company's load balancer)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, context: ssl.SSLContext, backend_port: int) -> None:
        super().__init__(("127.0.0.1", 0), _TlsHandler)
        self.context = context
        self.backend_port = backend_port
        self.port = self.server_address[1]


class _TlsHandler(socketserver.BaseRequestHandler):
    server: TlsFront

    def handle(self) -> None:
        try:
            tls = self.server.context.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a client that does not trust our CA hangs up here
        _pipe(tls, socket.create_connection(("127.0.0.1", self.server.backend_port)))


def _serve(server: socketserver.ThreadingTCPServer) -> Iterator[Any]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("proxy") / "data").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def tls_front(ca: trustme.CA, backend: LiveServer) -> Iterator[TlsFront]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    yield from _serve(TlsFront(context, backend.port))


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    yield from _serve(RecordingProxy())


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper() in (
            "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
            "SSL_CERT_FILE", "SSL_CERT_DIR",
        ) or name.startswith(("WANDB_", "TRACKWELL_")):  # fmt: skip
            monkeypatch.delenv(name)


def test_https_goes_through_the_proxy_in_a_connect_tunnel_trusting_the_ca_bundle(
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
    backend: LiveServer,
    tls_front: TlsFront,
    proxy: RecordingProxy,
    ca_file: Path,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url.replace("http://", "http://alice:s%3Acret@"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
    with ApiClient(f"https://{HOST}:{tls_front.port}", backend.api_key) as client:
        assert client.viewer().username
    assert proxy.seen[0][:2] == ("CONNECT", f"{HOST}:{tls_front.port}")
    assert proxy.seen[0][2] == "Basic YWxpY2U6czpjcmV0"  # alice:s:cret, decoded from the URL


def test_a_whole_run_logs_through_the_proxy_over_tls(
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    backend: LiveServer,
    tls_front: TlsFront,
    proxy: RecordingProxy,
    ca_file: Path,
) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)  # the lower-case spelling works too
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # OpenSSL's own variable
    monkeypatch.setenv("TRACKWELL_BASE_URL", f"https://{HOST}:{tls_front.port}")
    monkeypatch.setenv("TRACKWELL_API_KEY", backend.api_key)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    run = trackwell.init(project="behind-proxy", dir=tmp_path, config={"lr": 0.1})
    for i in range(20):
        run.log({"loss": 1 / (i + 1)})
    run.finish()
    with ApiClient(backend.url, backend.api_key) as direct:
        out = direct.get_run(run.entity, "behind-proxy", run.id)
    assert out.state == "finished" and out.history_count == 20 and out.config == {"lr": 0.1}
    assert proxy.seen and all(m == "CONNECT" and t == f"{HOST}:{tls_front.port}" for m, t, _ in proxy.seen)


def test_without_the_ca_the_certificate_is_refused(
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
    backend: LiveServer,
    tls_front: TlsFront,
    proxy: RecordingProxy,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    client = ApiClient(f"https://{HOST}:{tls_front.port}", backend.api_key)
    with client, pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED") as info:
        client.viewer()
    assert "through the proxy 127.0.0.1" in str(info.value)
    assert backend.api_key not in str(info.value)


def test_plain_http_goes_through_the_proxy_in_absolute_form(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, backend: LiveServer, proxy: RecordingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with ApiClient(f"http://{HOST}:{backend.port}", backend.api_key) as client:
        assert client.viewer().username
        client.query_runs(client.viewer_entity(), "wandb tutorial")  # encoded path through the proxy
    targets = [t for _, t, _ in proxy.seen]
    assert targets[0] == f"http://{HOST}:{backend.port}/api/v1/viewer"
    assert f"http://{HOST}:{backend.port}/api/v1/runs/" in targets[-1] and "wandb%20tutorial" in targets[-1]


def test_no_proxy_and_loopback_go_direct(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, backend: LiveServer, proxy: RecordingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with ApiClient(backend.url, backend.api_key) as client:  # 127.0.0.1: the local server
        assert client.viewer().username
    with ApiClient(f"http://localhost:{backend.port}", backend.api_key) as client:
        assert client.viewer().username
    monkeypatch.setenv("NO_PROXY", "example.org, .test")
    direct = ApiClient(f"http://{HOST}:{backend.port}", backend.api_key)
    with direct, pytest.raises(TransportError):  # direct: only the proxy knows trackwell.test
        direct.viewer()
    assert proxy.seen == []


def test_no_proxy_rules_as_requests_reads_them() -> None:
    assert bypassed("api.corp.example", None, "corp.example")  # sub-domains
    assert bypassed("api.corp.example", None, ".corp.example")
    assert not bypassed("notcorp.example", None, "corp.example")
    assert bypassed("10.1.2.3", None, "10.0.0.0/8")  # CIDR
    assert not bypassed("11.1.2.3", None, "10.0.0.0/8")
    assert bypassed("host.example", 8443, "host.example:8443")
    assert not bypassed("host.example", 443, "host.example:8443")
    assert bypassed("anything", None, "*")
    env = {"HTTPS_PROXY": "proxy:3128", "https_proxy": "http://lower:3128", "NO_PROXY": ""}
    chosen = proxy_for("https://server.example", env)
    assert chosen is not None and (chosen.host, chosen.port) == ("lower", 3128)  # lower-case first
    assert proxy_for("http://server.example", env) is None  # no HTTP_PROXY set
    assert proxy_for("https://127.0.0.5:8080", env) is None and proxy_for("https://[::1]", env) is None
    with pytest.raises(InvalidArgument, match="HTTPS_PROXY must be an http:// proxy URL") as info:
        proxy_for("https://server.example", {"HTTPS_PROXY": "socks5://user:secret@proxy:1080"})
    assert "secret" not in str(info.value)


def test_wandbs_proxy_settings_are_used_by_init_and_api(
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    backend: LiveServer,
    tls_front: TlsFront,
    proxy: RecordingProxy,
    ca_file: Path,
) -> None:
    # wandb.Settings(https_proxy=...): no proxy variable in the environment at all
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    url = f"https://{HOST}:{tls_front.port}"
    settings = trackwell.Settings(base_url=url, api_key=backend.api_key, https_proxy=proxy.url)
    run = trackwell.init(project="proxy-setting", dir=tmp_path, settings=settings)
    run.log({"x": 1})
    run.finish()
    api = trackwell.Api(settings=settings)
    assert api.run(f"{run.entity}/proxy-setting/{run.id}").summary["x"] == 1
    assert {(m, t) for m, t, _ in proxy.seen} == {("CONNECT", f"{HOST}:{tls_front.port}")}
