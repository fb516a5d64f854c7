"""Where the machine-local artifact state lives, and how its size limit is spelled.

Three places, each with an environment variable (the wandb names work too):

* the **cache** (downloaded and uploaded blobs, plus the hash cache):
  ``$TRACKWELL_CACHE_DIR/artifacts``, else ``$WANDB_CACHE_DIR/artifacts``, else
  ``~/.cache/trackwell/artifacts`` (``$XDG_CACHE_HOME`` honoured). As in wandb, the variable names
  the general cache folder and artifacts take its ``artifacts`` sub-folder.
* the **staging** folder (copies of mutable files waiting for upload):
  ``$TRACKWELL_STAGING_DIR``, else ``$WANDB_DATA_DIR/artifacts/staging``, else
  ``~/.local/share/trackwell/artifacts/staging`` (``$XDG_DATA_HOME`` honoured).
* the cache's **size limit**: ``$TRACKWELL_CACHE_MAX_SIZE`` ("10GB", "500MiB", "0" = no cache
  kept, or a plain number of bytes), default 20 GiB.

Every lookup reads the environment when called, so a test or a CLI flag that sets a variable
before the first use takes effect.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from trackwell.schema.errors import InvalidArgument

DEFAULT_CACHE_MAX_SIZE = 20 * 2**30

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*")


def parse_size(text: str | int, field: str = "size") -> int:
    """``"10GB"`` -> 10_000_000_000, ``"512MiB"`` -> 536_870_912, ``"1024"`` -> 1024 (bytes).

    Decimal units (KB, MB, GB, TB) are powers of 1000 and binary ones (KiB, MiB, GiB, TiB) powers
    of 1024, as ``du --si`` and ``du -h`` print them.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        if text < 0:
            raise InvalidArgument(f"{field} {text} is negative", field=field, hint="give 0 or more bytes")
        return text
    match = _SIZE.fullmatch(str(text))
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise InvalidArgument(
            f"{field} {str(text)[:100]!r} is not a size",
            field=field,
            hint="write a number of bytes or a number with a unit: '10GB', '500MB', '2GiB'",
        )
    return int(float(match.group(1)) * _UNITS[unit])


def cache_dir() -> Path:
    """The artifacts cache folder (see the module docstring); not created here."""
    base = os.environ.get("TRACKWELL_CACHE_DIR") or os.environ.get("WANDB_CACHE_DIR")
    if base:
        return Path(base).expanduser() / "artifacts"
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return root / "trackwell" / "artifacts"


def staging_dir() -> Path:
    """The staging folder for mutable files waiting for upload; not created here."""
    explicit = os.environ.get("TRACKWELL_STAGING_DIR")
    if explicit:
        return Path(explicit).expanduser()
    wandb_data = os.environ.get("WANDB_DATA_DIR")
    if wandb_data:
        return Path(wandb_data).expanduser() / "artifacts" / "staging"
    xdg = os.environ.get("XDG_DATA_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return root / "trackwell" / "artifacts" / "staging"


def cache_max_size() -> int:
    """The cache's size limit in bytes, from ``TRACKWELL_CACHE_MAX_SIZE`` (default 20 GiB)."""
    text = os.environ.get("TRACKWELL_CACHE_MAX_SIZE")
    if not text:
        return DEFAULT_CACHE_MAX_SIZE
    return parse_size(text, field="TRACKWELL_CACHE_MAX_SIZE")


def is_staged(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a file the SDK made under the staging folder (a staged copy, or a file
    an artifact wrote itself): safe to hard-link into the cache, never a user's file.

    Asked for every file of a logged artifact (twice), so the usual answer costs no system call
    beyond an ``lstat``: a path spelled under the staging folder (as the SDK makes them) that is
    not a link. Anything else is resolved (every link followed) and compared, as before.
    """
    raw, real = staging_roots()
    spelled = os.path.abspath(path)
    for root in (raw, real):
        if spelled.startswith(root + os.sep) and not os.path.islink(spelled):
            return True
    return Path(real) in Path(path).resolve().parents


def staging_roots() -> tuple[str, str]:
    """The staging folder as spelled (absolute) and resolved (links followed; remembered per
    spelling, so not one ``realpath`` per file)."""
    raw = os.path.abspath(staging_dir())
    return raw, _resolved(raw)


@functools.lru_cache(maxsize=8)
def _resolved(folder: str) -> str:
    return str(Path(folder).resolve())
