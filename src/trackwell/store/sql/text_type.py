"""The text column type every free-text column uses."""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class NulSafeText(TypeDecorator[str]):
    """Text whose NUL characters are stored as U+FFFD: PostgreSQL refuses NUL in text, and one
    character must not fail a whole record batch (JSON documents get the same rule in
    `engine.dumps_json`)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return value.replace("\x00", "\ufffd") if value and "\x00" in value else value
