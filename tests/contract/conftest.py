"""Fixtures shared by the contract suites (``db_url``, every SQL backend in turn, is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine

from trackwell.store.sql import history_tables  # noqa: F401  (attaches the tables)
from trackwell.store.sql.database import SqlDatabase, open_database
from trackwell.store.sql.metadata import metadata


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database of the backend, with every table in code created."""
    eng = create_engine(db_url)
    metadata.create_all(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[SqlDatabase]:
    """The backend's database, migrated to head (a suite needing another start opens its own)."""
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.close()
