"""``trackwell.login()`` and the one place that decides which server and key the SDK uses.

Why together: ``login`` stores a key that :func:`resolve_endpoint` later finds, so the key lookup order
lives next to the code that writes it. Lookup order for a remote server (``base_url`` set)::

    explicit key / WANDB_API_KEY / TRACKWELL_API_KEY (Settings.api_key)
    < nothing else wins over those >
    credentials.json entry for the URL, then ~/.netrc ``machine host[:port]`` (as ``wandb login`` writes)

With no ``base_url`` the local server in ``data_dir`` is used (started when needed) with its
``local-api-key`` unless a key was given explicitly. Keys are never printed or logged.

Imports: standard library and the SDK's settings, credentials, client and local-server modules.
"""

from __future__ import annotations

import getpass
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trackwell.schema.errors import TrackwellError, Unauthorized
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.credentials import CredentialStore, netrc_key
from trackwell.sdk.local_server import ensure_local_server, read_local_key, running_server_url
from trackwell.sdk.settings import Settings

if TYPE_CHECKING:
    from trackwell.schema.auth import Viewer


@dataclass(frozen=True)
class Endpoint:
    """Where to send requests, and with which key (hidden from repr)."""

    url: str
    api_key: str | None = field(repr=False)
    local: bool
    proxy: str | None = field(default=None, repr=False)
    """wandb's ``http_proxy``/``https_proxy`` setting for this URL; None: the environment's proxy."""

    def client(self, *, timeout: float = 10.0, verify: bool = True) -> ApiClient:
        return ApiClient(self.url, self.api_key, timeout=timeout, verify=verify, proxy=self.proxy)


def _proxy_setting(settings: Settings, url: str) -> str | None:
    return settings.https_proxy if url.lower().startswith("https:") else settings.http_proxy


def stored_key(settings: Settings, base_url: str) -> str | None:
    """The key saved for ``base_url`` by ``trackwell login`` or ``wandb login`` (netrc), if any."""
    return CredentialStore(settings.config_dir).get(base_url) or netrc_key(base_url, settings.netrc_path)


def resolve_endpoint(settings: Settings, *, start_local: bool = True) -> Endpoint:
    """The server URL and API key the settings point at.

    Args:
        settings: the resolved settings.
        start_local: start the local server when none is running (``init()``); False only finds one.

    Raises:
        Unauthorized: a remote server is configured but no key is known for it.
        LocalServerError: the local server could not be started.
    """
    if settings.base_url is None:
        if not start_local:
            from_file = _running_local(settings)
            if from_file is None:
                raise TrackwellError(
                    f"no local server is running for {settings.data_dir}",
                    hint="start one with `trackwell server`, or call trackwell.init()",
                )
            return from_file
        url, local_key = ensure_local_server(settings.data_dir, timeout=settings.init_timeout)
        return Endpoint(url, settings.api_key or local_key, local=True)
    key = settings.api_key or stored_key(settings, settings.base_url)
    if key is None:
        raise Unauthorized(
            f"no API key for {settings.base_url}",
            hint="run `trackwell login --host URL KEY`, call trackwell.login(key=...) or set WANDB_API_KEY",
        )
    return Endpoint(settings.base_url, key, local=False, proxy=_proxy_setting(settings, settings.base_url))


def _running_local(settings: Settings) -> Endpoint | None:
    url = running_server_url(settings.data_dir)
    if url is None:
        return None
    return Endpoint(url, settings.api_key or read_local_key(settings.data_dir), local=True)


def login(
    key: str | None = None,
    relogin: bool | None = None,
    host: str | None = None,
    force: bool | None = None,
    timeout: float | None = None,
    verify: bool = True,
    anonymous: str | None = None,
    *,
    settings: Settings | None = None,
) -> bool:
    """Check an API key against the server and remember it for that server (wandb's ``login``).

    Args:
        key: the API key; default: the environment, then the stored key, then a prompt (terminal only).
        relogin: ignore the stored key and ask again (prompt) unless ``key`` is given.
        host: server URL; default: ``WANDB_BASE_URL``/settings, else the local server.
        force: accepted for wandb compatibility (a failing login always raises here).
        timeout: seconds to wait for the server.
        verify: verify the server's TLS certificate.
        anonymous: accepted for wandb compatibility; ignored.
        settings: resolved settings (entry points pass theirs); default ``Settings.resolve()``.

    Returns:
        True when the key was accepted (also in ``disabled`` mode, where nothing is checked).

    Raises:
        Unauthorized: the server refused the key, or no key was found.
        TransportError: the server could not be reached.
    """
    del force, anonymous  # wandb compatibility only
    settings = settings or Settings.resolve()
    if host is not None:
        settings = settings.updated(base_url=host)
    if settings.mode == "disabled":
        return True
    http_timeout = timeout or settings.http_timeout
    if settings.base_url is None:
        endpoint = resolve_endpoint(settings.updated(api_key=key))
        _verify(endpoint, http_timeout, verify, settings)
        return True
    url = settings.base_url
    if key is None and not relogin:
        key = settings.api_key or stored_key(settings, url)
    if key is None:
        key = _prompt(url)
    endpoint = Endpoint(url, key, local=False, proxy=_proxy_setting(settings, url))
    viewer = _verify(endpoint, http_timeout, verify, settings)
    CredentialStore(settings.config_dir).set(url, key, username=viewer.username)
    if host is not None:
        remember_base_url(settings.config_dir, url)
    return True


def _verify(endpoint: Endpoint, timeout: float, verify: bool, settings: Settings) -> Viewer:
    with endpoint.client(timeout=timeout, verify=verify) as client:
        try:
            viewer = client.viewer()
        except Unauthorized:
            raise Unauthorized(
                f"the API key was refused by {endpoint.url}",
                hint="check the key (the server's admin can issue a new one) and run `trackwell login KEY`",
            ) from None
    if not (settings.silent or settings.quiet):
        sys.stderr.write(f"trackwell: Logged in as {viewer.username} at {endpoint.url}\n")
    return viewer


def _prompt(url: str) -> str:
    if not sys.stdin.isatty():
        raise Unauthorized(
            f"no API key for {url}",
            hint="pass it: `trackwell login KEY`, trackwell.login(key=...) or WANDB_API_KEY=...",
        )
    key = getpass.getpass(f"API key for {url} (input hidden): ").strip()
    if not key:
        raise Unauthorized("no API key entered", hint="run `trackwell login KEY`")
    return key


_BASE_URL_LINE = re.compile(r"^base_url\s*=.*$", re.MULTILINE)


def remember_base_url(config_dir: Path, url: str) -> None:
    """Make ``url`` the default server in settings.toml (what ``wandb login --host`` does)."""
    path = config_dir / "settings.toml"
    line = f'base_url = "{url}"'
    try:
        text = path.read_text()
    except FileNotFoundError:
        text = ""
    if _BASE_URL_LINE.search(text):
        text = _BASE_URL_LINE.sub(line, text, count=1)
    else:
        # Top-level keys must come before any [table]: prepend.
        text = line + "\n" + text
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(".settings.toml.tmp")
    tmp.write_text(text)
    tmp.replace(path)
