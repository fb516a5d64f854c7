"""The public query API pointed at the test's live server: how e2e tests read back what ran."""

from __future__ import annotations

from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer


@pytest.fixture
def api(live_server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
