"""wandb's opaque global ids: base64 of ``"<Type>:<key>"`` (what W&B's own server hands out), so a
client that echoes an id back (a run's storage id in the public API's UpsertBucket) names the same
thing. Decoding checks the type, so a project id is never taken for a run's."""

from __future__ import annotations

import base64
import binascii
import zlib

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import RunKey


def encode(kind: str, key: str) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode("ascii")


def decode(kind: str, value: str) -> str:
    try:
        text = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    prefix = kind + ":"
    if not text.startswith(prefix):
        raise InvalidArgument(f"{value!r} is not a {kind} id of this server", field="id")
    return text[len(prefix) :]


def run_id(key: RunKey) -> str:
    # "/" cannot occur in entity or project names (schema/names.py), so the split is unambiguous.
    return encode("Run", f"{key.entity}/{key.project}/{key.run_id}")


def run_key(value: str) -> RunKey:
    entity, _, rest = decode("Run", value).partition("/")
    project, _, run = rest.partition("/")
    if not (entity and project and run):
        raise InvalidArgument(f"{value!r} is not a run id of this server", field="id")
    return RunKey(entity=entity, project=project, run_id=run)


def project_id(entity: str, project: str) -> str:
    return encode("Project", f"{entity}/{project}")


def project_internal_id(entity: str, project: str) -> str:
    """The client parses a project's ``internalId``/``projectId`` as an integer (and uses it only to
    name the project back to us): a stable number derived from the name."""
    return str(zlib.crc32(f"{entity}/{project}".encode()))


def entity_id(entity: str) -> str:
    return encode("Entity", entity)


def user_id(user_id: int) -> str:
    return encode("User", str(user_id))
