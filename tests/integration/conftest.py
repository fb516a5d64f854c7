"""Fixtures for the server's integration tests: one real server process per test module (starting
one takes seconds, and these tests do not disturb each other's runs), and an HTTP client for it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.live_server import LiveServer


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / "data").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client
