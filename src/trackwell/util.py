"""``trackwell.util``: the helpers of ``wandb.util`` that scripts call directly.

``wandb.util.generate_id()`` (a run id to pass to ``init(id=...)`` and keep for resuming) is the
one real code uses most; the others are here because tutorials and integrations call them.
"""

from __future__ import annotations

import importlib
import os
import re
import secrets
import string
from types import ModuleType
from typing import Any

_ID_ALPHABET = string.ascii_lowercase + string.digits


def generate_id(length: int = 8) -> str:
    """A random id of lowercase letters and digits, as wandb's (``wandb.util.generate_id()``)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def make_artifact_name_safe(name: str) -> str:
    """Replace what an artifact name may not contain with ``_`` and keep at most 128 characters."""
    cleaned = re.sub(r"[^a-zA-Z0-9_\-.]", "_", name)
    return cleaned[-128:] if len(cleaned) > 128 else cleaned


def to_forward_slash_path(path: str) -> str:
    """``path`` with ``/`` separators (Windows paths as wandb stores them)."""
    return path.replace("\\", "/") if os.sep == "\\" else path


def mkdir_exists_ok(path: str | os.PathLike[str]) -> None:
    """``os.makedirs(path, exist_ok=True)``."""
    os.makedirs(path, exist_ok=True)


def get_module(name: str, required: Any = None, lazy: bool = True) -> ModuleType | None:
    """Import ``name``; None when it is missing, unless ``required`` (the message to raise with)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if required:
            raise ImportError(required if isinstance(required, str) else f"{name} is required") from None
        return None


__all__ = ["generate_id", "get_module", "make_artifact_name_safe", "mkdir_exists_ok", "to_forward_slash_path"]
