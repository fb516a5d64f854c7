"""The rules of artifacts that both sides apply: names, aliases, entry paths and the manifest digest.

One implementation, pydantic-free (the SDK's ``log_artifact`` path uses it): the SDK checks names
before it hashes a single file, and the server checks them again on what it accepts, with the same
messages. The server recomputes the manifest digest from the entries it receives, so a client can
never store a version whose digest does not match its content.

wandb's rules (0.31): an artifact name is letters, digits, ``-``, ``_`` and ``.``, at most 128
characters; ``latest`` and ``v<N>`` are aliases the server manages; an alias cannot hold ``/`` or
``:``. The manifest digest follows wandb's shape (a header line, then ``path:digest`` per entry in
sorted order) with SHA-256 in place of MD5, since our blobs are named by SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.file_paths import unsafe_reason

MAX_ARTIFACT_NAME = 128
MAX_ALIAS_LENGTH = 128
MAX_TYPE_LENGTH = 64
LATEST = "latest"
# Aliases only an admin may move (wandb's "protected aliases" of a registry).
DEFAULT_PROTECTED_ALIASES = frozenset({"production"})
MANIFEST_HEADER = "trackwell-artifact-manifest-v1\n"

_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_VERSION = re.compile(r"v(0|[1-9][0-9]{0,9})")


def artifact_name_problem(name: object) -> str | None:
    """Why ``name`` is not a valid artifact (collection) name, or None."""
    if not isinstance(name, str) or not name:
        return "it is empty"
    if len(name) > MAX_ARTIFACT_NAME:
        return f"it is longer than {MAX_ARTIFACT_NAME} characters"
    if not _NAME.fullmatch(name):
        return "it may hold only letters, digits, '-', '_' and '.'"
    if name in (".", ".."):
        return f"it is {name!r}"
    return None


def check_artifact_name(name: object, field: str = "name") -> str:
    why = artifact_name_problem(name)
    if why is not None:
        raise InvalidArgument(
            f"artifact name {str(name)[:200]!r} is not allowed: {why}",
            field=field,
            hint="name it like 'raw-data' or 'resnet50.v2' (letters, digits, '-', '_', '.'; at most 128)",
        )
    return str(name)


def check_artifact_type(type_: object, field: str = "type") -> str:
    if not isinstance(type_, str) or not type_ or len(type_) > MAX_TYPE_LENGTH or not _NAME.fullmatch(type_):
        raise InvalidArgument(
            f"artifact type {str(type_)[:200]!r} is not allowed",
            field=field,
            hint="use a short word like 'dataset' or 'model' (letters, digits, '-', '_', '.'; at most 64)",
        )
    if type_.startswith("wandb-") or type_.startswith("trackwell-"):
        raise InvalidArgument(
            f"artifact type {type_!r} is reserved", field=field, hint="pick a type without that prefix"
        )
    return type_


def is_version_alias(alias: str) -> bool:
    """``v0``, ``v12``: names of versions, never assignable."""
    return bool(_VERSION.fullmatch(alias))


def version_index(alias: str) -> int | None:
    """12 for ``v12``, None for anything else."""
    return int(alias[1:]) if is_version_alias(alias) else None


def check_alias(alias: object, field: str = "aliases", *, allow_latest: bool = True) -> str:
    """A user alias: not empty, no ``/`` or ``:``, not a version name (``v3``)."""
    problem = None
    if not isinstance(alias, str) or not alias.strip():
        problem = "it is empty"
    elif len(alias) > MAX_ALIAS_LENGTH:
        problem = f"it is longer than {MAX_ALIAS_LENGTH} characters"
    elif "/" in alias or ":" in alias or any(ord(c) < 32 for c in alias):
        problem = "it holds '/', ':' or a control character"
    elif is_version_alias(alias):
        problem = "version names like 'v3' are given by the server"
    elif alias == LATEST and not allow_latest:
        problem = "'latest' always points at the newest version"
    if problem is not None:
        raise InvalidArgument(
            f"alias {str(alias)[:200]!r} is not allowed: {problem}",
            field=field,
            hint="use a word like 'production', 'best' or 'staging'",
        )
    return str(alias)


def check_entry_path(path: object, field: str = "name") -> str:
    """An entry's name inside an artifact: the run-file rule (relative, '/'-separated, no '..')."""
    why = unsafe_reason(path) if isinstance(path, str) else "it is not a string"
    if why is not None:
        raise InvalidArgument(
            f"artifact entry name {str(path)[:200]!r} is not allowed: {why}",
            field=field,
            hint="use a relative path inside the artifact, like 'images/cat.png'",
        )
    return str(path)


def manifest_digest(entries: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """The artifact's digest: SHA-256 over the header and ``path:digest\\n`` for each entry, sorted
    by path. Two versions with the same digest hold the same files (references by their digest)."""
    pairs = sorted(entries.items() if isinstance(entries, Mapping) else entries)
    hasher = hashlib.sha256(MANIFEST_HEADER.encode())
    for path, digest in pairs:
        hasher.update(f"{path}:{digest}\n".encode())
    return hasher.hexdigest()


def parse_artifact_path(text: str) -> tuple[str | None, str | None, str, str]:
    """``[entity/][project/]name[:alias]`` -> (entity, project, name, alias); alias defaults to
    ``latest``. wandb accepts all three prefixes; the caller fills a missing entity/project."""
    if not isinstance(text, str) or not text:
        raise InvalidArgument("the artifact path is empty", field="name", hint="write 'name:alias'")
    body, _, alias = text.partition(":")
    parts = body.split("/")
    if len(parts) > 3:
        raise InvalidArgument(
            f"artifact path {text!r} has too many '/'",
            field="name",
            hint="write 'name:alias', 'project/name:alias' or 'entity/project/name:alias'",
        )
    entity = parts[0] if len(parts) == 3 else None
    project = parts[-2] if len(parts) >= 2 else None
    return entity, project, check_artifact_name(parts[-1]), alias or LATEST
