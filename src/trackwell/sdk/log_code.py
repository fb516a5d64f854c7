"""``run.log_code()``: save a directory's source files with the run, as wandb selects them.

wandb walks ``root`` and keeps each file for which ``include_fn`` is true and ``exclude_fn`` false
(each called as ``fn(path, root)``, or ``fn(path)`` for one-argument functions); by default the
``.py`` files, ``requirements.txt`` and ``Dockerfile*``, leaving out the SDK's own run folders.
wandb stores them in a ``code`` artifact; artifacts do not exist in Trackwell yet, so the files are
saved as run files under ``code/<path relative to root>`` and ``log_code`` returns None (as wandb
does when it finds nothing to save).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterator
from typing import Any

# The run folders of wandb and of Trackwell: never source code.
_RUN_DIRS = ("wandb", ".wandb", "trackwell")

CODE_PREFIX = "code"


def is_py_requirements_or_dockerfile(path: str, root: str | None = None) -> bool:
    """wandb's default ``include_fn``."""
    name = os.path.basename(path)
    return name.endswith(".py") or name.startswith("Dockerfile") or name == "requirements.txt"


def exclude_run_dirs(path: str, root: str) -> bool:
    """wandb's default ``exclude_fn`` (its ``wandb/`` folders), plus Trackwell's ``trackwell/``."""
    relative = os.path.relpath(path, root)
    return any(relative.startswith(folder + os.sep) for folder in _RUN_DIRS)


def _call(fn: Callable[..., Any], path: str, root: str) -> bool:
    try:
        arity = len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # a builtin without a signature: call it as wandb would first
        arity = 2
    return bool(fn(path, root) if arity >= 2 else fn(path))


def code_files(
    root: str, include_fn: Callable[..., Any], exclude_fn: Callable[..., Any]
) -> Iterator[tuple[str, str]]:
    """``(relative name, absolute path)`` of each file to save, in a stable order."""
    root = os.path.abspath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if not os.path.isfile(path):
                continue
            if _call(include_fn, path, root) and not _call(exclude_fn, path, root):
                yield os.path.relpath(path, root).replace(os.sep, "/"), path
