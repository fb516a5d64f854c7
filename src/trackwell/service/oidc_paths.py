"""Where a sign-in may send the browser afterwards: the one rule for every ``next=`` parameter."""

from __future__ import annotations


def safe_next_path(next_path: str | None) -> str:
    """Only local paths: an open redirect would let a link send a fresh session anywhere."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/"
