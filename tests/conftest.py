"""Fixtures shared by every test suite.

``db_url`` is parametrized over every SQL backend: the contract suites run once per backend. The
PostgreSQL cases need ``initdb``/``pg_ctl``; they are skipped when missing, except when
``TRACKWELL_REQUIRE_BACKENDS=1`` (CI), where a missing backend is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.postgres import PostgresCluster, postgres_available, start_cluster
from tests.fixtures.s3 import moto_s3, s3_bucket  # noqa: F401  (one moto S3 server per session)
from trackwell.sdk import term


@pytest.fixture(autouse=True)
def _terminal_not_silent() -> Iterator[None]:
    """Every test starts with the SDK's terminal output on: ``init()`` with ``TRACKWELL_SILENT``
    mutes it for the whole process, and a later test on the same worker that checks a warning
    (without an ``init()`` of its own) must not depend on which tests ran before it."""
    term.set_silent(False)
    yield


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    if not postgres_available():
        if os.environ.get("TRACKWELL_REQUIRE_BACKENDS") == "1":
            pytest.fail(
                "PostgreSQL (initdb/pg_ctl) is required but missing; run scripts/install-system-deps.sh"
            )
        pytest.skip("PostgreSQL (initdb/pg_ctl) not installed")
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    name = "t_" + uuid.uuid4().hex[:12]
    url = postgres_cluster.create_database(name)
    try:
        yield url
    finally:
        postgres_cluster.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'trackwell.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every SQL backend in turn: contract tests take this fixture."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real ``trackwell server`` subprocess on loopback with a fresh data dir (see
    tests/fixtures/live_server.py): ``url``, ``api_key``, ``data_dir``, ``stop()/kill()/restart()``."""
    server = LiveServer(tmp_path / "trackwell-data").start()
    try:
        yield server
    finally:
        server.stop()
