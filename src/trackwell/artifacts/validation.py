"""Checks of what users give an Artifact: names, types, metadata, TTL, policies.

The name rules are ``schema.artifact_rules`` (one implementation, with the server). Their error,
``InvalidArgument``, is re-raised here as :class:`ArtifactArgumentError`, which is also a
``ValueError``: wandb raises ``ValueError`` for a bad artifact name, alias or path, and code that
catches it keeps working, while the message still names the field and the fix.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any, TypeVar

from trackwell.schema import artifact_rules
from trackwell.schema.errors import InvalidArgument

T = TypeVar("T")
POLICIES = ("mutable", "immutable")


class ArtifactArgumentError(InvalidArgument, ValueError):
    """A bad argument to an Artifact method (an ``InvalidArgument`` and a ``ValueError``)."""


def checked(check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a ``schema.artifact_rules`` check, raising its error as an :class:`ArtifactArgumentError`."""
    try:
        return check(*args, **kwargs)
    except InvalidArgument as exc:
        if isinstance(exc, ArtifactArgumentError):
            raise
        raise ArtifactArgumentError(exc.message, field=exc.field, hint=exc.hint) from None


def entry_name(name: object, field: str = "name") -> str:
    """An entry path: relative, '/'-separated, no '..' (so nothing escapes a download folder)."""
    if isinstance(name, PurePath):
        name = name.as_posix()
    return checked(artifact_rules.check_entry_path, name, field)


def check_policy(policy: object) -> str:
    policy = policy or "mutable"
    if policy not in POLICIES:
        raise ArtifactArgumentError(
            f"policy {policy!r} is not allowed",
            field="policy",
            hint="use policy='mutable' (copied before upload) or 'immutable' (read in place)",
        )
    return str(policy)


def normalize_metadata(metadata: object) -> dict[str, Any]:
    """A JSON copy of ``metadata``: numpy values become Python numbers, paths and dates strings.

    Anything else that JSON cannot hold is refused with the key that holds it.
    """
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise ArtifactArgumentError(
            f"artifact metadata must be a dict, got {type(metadata).__name__}",
            field="metadata",
            hint='pass e.g. {"framework": "pytorch", "rows": 1000}',
        )
    return {_key(k, ""): _value(v, _key(k, "")) for k, v in metadata.items()}


def _key(key: object, prefix: str) -> str:
    # Number, bool and None keys become JSON's strings for them, as wandb's metadata (a JSON round
    # trip) makes them: a Hugging Face model config's ``id2label`` has int keys.
    if key is None or type(key) in (bool, int, float):
        return json.dumps(key)
    if not isinstance(key, str):
        where = f" inside {prefix!r}" if prefix else ""
        raise ArtifactArgumentError(
            f"artifact metadata keys must be strings; {key!r}{where} is a {type(key).__name__}",
            field="metadata",
            hint="convert the key with str()",
        )
    return key


def _value(value: Any, path: str) -> Any:
    kind = type(value)
    if value is None or kind in (str, bool, int):
        return value
    if kind is float:
        return value if math.isfinite(value) else str(value)  # JSON has no NaN: keep it readable
    if isinstance(value, Mapping):
        return {_key(k, path): _value(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars, torch tensors
        return _value(value.tolist(), path)
    if hasattr(value, "item") and callable(value.item):
        return _value(value.item(), path)
    raise ArtifactArgumentError(
        f"artifact metadata[{path!r}] is a {kind.__module__}.{kind.__qualname__}, which is not JSON",
        field=f"metadata.{path}",
        hint="use numbers, strings, bools, None, lists and dicts of those, or convert it with str()",
    )


def ttl_seconds(ttl: object) -> int | None:
    """``None`` (no TTL) or a positive ``timedelta`` as whole seconds."""
    if ttl is None:
        return None
    if not isinstance(ttl, datetime.timedelta):
        raise ArtifactArgumentError(
            f"artifact ttl must be a datetime.timedelta or None, got {type(ttl).__name__}",
            field="ttl",
            hint="write e.g. artifact.ttl = datetime.timedelta(days=30)",
        )
    if ttl.total_seconds() <= 0:
        raise ArtifactArgumentError(
            f"artifact ttl must be positive, got {ttl}", field="ttl", hint="use None for no expiry"
        )
    return int(ttl.total_seconds())


def string_list(values: object, field: str, check: Callable[[str], str] | None = None) -> list[str]:
    """A list of strings (a single string is one item), each checked by ``check``."""
    items = [values] if isinstance(values, str) else list(values or [])  # type: ignore[call-overload]
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ArtifactArgumentError(
                f"artifact {field} must be strings; got {item!r}", field=field, hint="pass a list of strings"
            )
        out.append(checked(check, item, field) if check else item)
    return out
