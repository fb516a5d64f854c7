"""Users and their API keys (stored hashed).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    entity: str
    is_admin: bool


class UserStore(Protocol):
    def create_user(self, conn: Connection, username: str, *, is_admin: bool, now: float) -> User: ...

    def get_user(self, conn: Connection, username: str) -> User | None: ...

    def count_users(self, conn: Connection) -> int: ...

    def add_api_key(self, conn: Connection, user_id: int, key_hash: str, name: str, now: float) -> None:
        """Keys are stored hashed (sha256 of a high-entropy random key); the key itself never."""

    def user_for_key_hash(self, conn: Connection, key_hash: str, now: float) -> User | None:
        """The key's user, updating the key's last-used time; None for unknown or revoked keys."""
