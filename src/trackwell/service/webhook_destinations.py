"""Where a team server may post a webhook: not to itself, nor to the machine's link-local services.

Any writer of a project adds webhooks, so without a check a URL such as
``http://169.254.169.254/latest/...`` (a cloud's instance metadata) or ``http://127.0.0.1:5432``
would have the server make requests on a member's behalf inside its own network (SSRF). A server
shared on the network therefore refuses destinations that resolve to loopback, link-local,
multicast, unspecified or reserved addresses. Private networks (10/8, 172.16/12, 192.168/16, fc00::/7)
stay allowed: a company's own chat server usually lives there. A personal server bound to loopback
(``trackwell server`` with nothing set) serves only its user and allows every destination, as does a
team server started with ``--webhooks-to-local-addresses``.

The host is resolved just before each post. A name that resolves differently between this check
and the connection (DNS rebinding) is not caught; docs/alerts.md says so.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedDestination(Exception):
    """The webhook's address is one this server does not post to (the message names why and the fix)."""


def _refused_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, hit in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
    ):
        if hit:
            return kind
    return None


def check_destination(url: str) -> None:
    """Raises :class:`RefusedDestination` when ``url``'s host is or resolves to an address a shared
    server must not reach on a member's behalf; ``OSError`` when the name does not resolve."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    for text in sorted(addresses):
        kind = _refused_kind(ipaddress.ip_address(text.split("%")[0]))
        if kind is not None:
            raise RefusedDestination(
                f"the webhook's host {host!r} is a {kind} address ({text}), which this server does not "
                "post to (start the server with --webhooks-to-local-addresses to allow it)"
            )
