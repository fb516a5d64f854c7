"""A run's console output, line by line.

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.records import OutputLine


class OutputStore(Protocol):
    def write_lines(self, conn: Connection, run_pk: int, lines: Sequence[OutputLine]) -> None:
        """Upsert by line number: a later write of a line replaces it (progress bars)."""

    def read_lines(
        self, conn: Connection, run_pk: int, offset: int, limit: int
    ) -> tuple[list[OutputLine], int]:
        """Lines ``offset..offset+limit`` and the total line count."""
