"""Which proxy and which CA certificates a request to the server uses, from the environment as
``requests`` (and so wandb's Python side) reads it.

Proxies: ``HTTPS_PROXY`` for https URLs, ``HTTP_PROXY`` for http URLs, ``ALL_PROXY`` for either
(lower-case names too, lower-case first as curl and ``requests`` do), bypassed for the hosts in
``NO_PROXY`` (comma-separated: ``*``, host names matched with their sub-domains, ``.suffix``,
``host:port``, IP addresses and CIDR ranges). Loopback (``localhost``, 127.0.0.0/8, ``::1``) is never
proxied: the auto-started local server lives there, and a company proxy cannot reach it.

CA certificates: ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` (a file or a directory of
certificates) replaces the system's trust store, as in ``requests``; otherwise OpenSSL's defaults
apply, which already honour ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``.

This module reads ``os.environ`` itself (the one exception to "settings are read once"): proxy
variables are a process-wide convention every HTTP client honours when it connects.

Imports: the standard library only (``init()`` imports it).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from trackwell.schema.errors import InvalidArgument

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy: where to connect, and the ``Proxy-Authorization`` header if it has a user."""

    host: str
    port: int
    authorization: str | None = None

    def __repr__(self) -> str:  # never the credentials
        return f"Proxy({self.host}:{self.port})"


def is_loopback(host: str) -> bool:
    import ipaddress  # here: ~1 ms that `import trackwell` need not pay

    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name.lower()) or environ.get(name.upper())
    return value.strip() if value and value.strip() else None


def bypassed(host: str, port: int | None, no_proxy: str | None) -> bool:
    """True when ``NO_PROXY`` lists ``host`` (or ``host:port``)."""
    if not no_proxy:
        return False
    import ipaddress

    host = host.strip("[]").lower()
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for raw in no_proxy.replace(" ", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if "/" in entry and address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        entry_host, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and (not entry_port.isdigit() or port != int(entry_port)):
            continue
        entry_host = entry_host.lstrip("*").lstrip(".")
        if host == entry_host or host.endswith("." + entry_host):
            return True
    return False


def proxy_for(
    url: str, environ: Mapping[str, str] | None = None, *, explicit: str | None = None
) -> Proxy | None:
    """The proxy a request to ``url`` goes through, or None for a direct connection. ``explicit``
    (wandb's ``http_proxy``/``https_proxy`` setting) replaces the environment's proxy variables;
    loopback and ``NO_PROXY`` are never proxied either way."""
    environ = os.environ if environ is None else environ
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or is_loopback(host):
        return None
    if bypassed(host, parts.port, _env(environ, "no_proxy")):
        return None
    scheme = parts.scheme.lower()
    if explicit:
        return parse_proxy(explicit, source=f"{scheme}_proxy")
    raw = _env(environ, f"{scheme}_proxy") or _env(environ, "all_proxy")
    if raw is None:
        return None
    return parse_proxy(raw, source=f"{scheme.upper()}_PROXY")


def parse_proxy(raw: str, *, source: str) -> Proxy:
    if "://" not in raw:
        raw = "http://" + raw  # "proxy:3128", as curl and requests accept it
    parts = urlsplit(raw)
    if parts.scheme != "http" or not parts.hostname:
        # The message names the variable, never its value: a proxy URL may hold a password.
        raise InvalidArgument(
            f"{source} must be an http:// proxy URL (got a {parts.scheme or 'malformed'} URL)",
            field=source,
            hint="e.g. http://proxy.example.com:3128 or http://user:password@proxy:3128",
        )
    authorization = None
    if parts.username is not None:
        user = unquote(parts.username)
        password = unquote(parts.password or "")
        authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return Proxy(parts.hostname, parts.port or 80, authorization)


def ca_bundle(environ: Mapping[str, str] | None = None) -> str | None:
    """The CA bundle (file or directory) that replaces the system's trust store, if one is set."""
    environ = os.environ if environ is None else environ
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        value = environ.get(name, "").strip()
        if value:
            if not os.path.exists(value):
                raise InvalidArgument(
                    f"{name}={value!r} does not exist",
                    field=name,
                    hint="point it at a PEM file (or a directory) of CA certificates, or unset it",
                )
            return value
    return None
