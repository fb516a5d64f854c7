"""The shape every route client of the SDK shares (reports, sweeps, artifacts): one server, one
:class:`~trackwell.sdk.transport.HttpTransport`, found from the settings exactly as ``init()`` finds
the server, JSON bodies in and dicts out, and the key's default entity.

Each capability's client (``reports/client.py``, ``sweeps/client.py``, ``artifacts/client.py``)
adds one method per route of its own; this base holds what they would otherwise each repeat.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Self

from trackwell.sdk.transport import HttpTransport, TransportError


class RouteClient:
    #: Whether ``from_settings`` starts the local server when no base URL is configured (a client
    #: that only reads what exists, such as reports, finds one but never starts one).
    STARTS_LOCAL_SERVER = True

    def __init__(self, transport: HttpTransport) -> None:
        self.transport = transport
        self.base_url = transport.base_url

    @classmethod
    def from_settings(cls, settings: Any = None, *, start_local: bool | None = None) -> Self:
        """A client for the server the settings point at (``TRACKWELL_BASE_URL``/``WANDB_BASE_URL``
        and the key ``login`` stored); with no base URL configured it finds the local server and,
        unless ``start_local`` (default: the class's ``STARTS_LOCAL_SERVER``) is false, starts it."""
        from trackwell.sdk.login import resolve_endpoint
        from trackwell.sdk.settings import Settings

        settings = settings or Settings.resolve()
        start = cls.STARTS_LOCAL_SERVER if start_local is None else start_local
        endpoint = resolve_endpoint(settings, start_local=start)
        return cls(endpoint.client(timeout=settings.http_timeout))

    def close(self) -> None:
        self.transport.close()

    def viewer_entity(self) -> str:
        """The key's default entity: where something goes when no entity is named."""
        entity = self._json("GET", "/api/v1/viewer").get("entity")
        if not isinstance(entity, str):
            raise TransportError("the server's /api/v1/viewer answer has no entity")
        return entity

    def _encode(self, body: Mapping[str, Any]) -> bytes:
        # NaN and Infinity are no JSON: refused here rather than sent as tokens the server rejects.
        return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()

    def _json(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        data = None if body is None else self._encode(body)
        answer = self.transport._json(method, path, body=data, query=query)
        return answer if isinstance(answer, dict) else {}
