"""Option values several commands share, parsed one way."""

from __future__ import annotations

import json
from typing import Any

from trackwell.schema.errors import InvalidArgument


def parse_filter_option(text: str | None, option: str = "--filter") -> dict[str, Any] | None:
    """A MongoDB-style runs filter given as JSON on the command line (None when not given)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidArgument(f"{option} is not valid JSON: {exc}", field=option) from None
    if not isinstance(value, dict):
        raise InvalidArgument(
            f"{option} must be a JSON object", field=option, hint='e.g. {"state": "finished"}'
        )
    return value
