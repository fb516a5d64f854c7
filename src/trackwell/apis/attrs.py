"""``Attrs``: an object over a server answer's fields, as wandb's ``wandb.apis.attrs.Attrs``.

Why: wandb's ``User``, ``Team`` and ``Member`` read their fields from the answer they were built
from (``user.email``, ``member.account_type``), so scripts reach fields by attribute. The admin
classes here keep that: an attribute is the answer's field of that name, or of its camelCase
spelling (wandb's GraphQL names, ``accountType``), so both spellings work.
"""

from __future__ import annotations

from typing import Any


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Attrs:
    def __init__(self, attrs: dict[str, Any]) -> None:
        self._attrs = dict(attrs)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: properties and methods win.
        attrs = self.__dict__.get("_attrs", {})
        for key in (name, _camel(name)):
            if key in attrs:
                return attrs[key]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """The fields as the server sent them (a copy)."""
        return dict(self._attrs)
