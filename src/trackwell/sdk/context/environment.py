"""What a run records about its software environment, and the rule that keeps secrets out of it.

Everything here ends up on the server and in the UI, readable by anyone who can see the run, so the
filters are deliberately conservative: an environment variable is recorded only when it is on the
allow-list AND its name does not suggest a secret; a URL loses its user-info (``user:token@``) and, for
http(s), its query string; a command-line value that follows a secret-looking flag is replaced by
``<redacted>``. False positives (a harmless ``MONKEY_COUNT`` dropped) are the accepted price.

Installed packages come from :mod:`importlib.metadata` (no ``pip freeze`` subprocess: it takes seconds).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata as importlib_metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REDACTED = "<redacted>"

# A name containing any of these (case-insensitive) is never recorded, even when allow-listed.
_SECRET_MARKERS = (
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSW",
    "PASSPHRASE",
    "PWD",
    "CREDENTIAL",
    "CRED",
    "AUTH",
    "PRIVATE",
    "COOKIE",
    "SESSION",
    "SIGNATURE",
    "CERT",
)

# Exact names recorded by default: they change what a training run does or where it ran.
DEFAULT_ENV_NAMES = frozenset(
    {
        "CUDA_VISIBLE_DEVICES",
        "NVIDIA_VISIBLE_DEVICES",
        "CUBLAS_WORKSPACE_CONFIG",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "PYTHONHASHSEED",
        "PYTHONPATH",
        "VIRTUAL_ENV",
        "CONDA_DEFAULT_ENV",
        "CONDA_PREFIX",
        "RANK",
        "LOCAL_RANK",
        "WORLD_SIZE",
        "LOCAL_WORLD_SIZE",
        "MASTER_ADDR",
        "MASTER_PORT",
    }
)
# Prefixes recorded by default (cluster schedulers and ML frameworks); the secret rule still applies.
DEFAULT_ENV_PREFIXES = (
    "SLURM_",
    "PBS_",
    "LSB_",
    "NCCL_",
    "TORCH_",
    "PYTORCH_",
    "CUDA_",
    "XLA_",
    "TF_",
    "JAX_",
    "HF_",
    "TRANSFORMERS_",
    "TRACKWELL_",
    "WANDB_",
)

_FLAG_RE = re.compile(r"^--?([A-Za-z0-9_.-]+)(=.*)?$", re.DOTALL)


def is_secret_name(name: str) -> bool:
    """True when ``name`` (an env variable or a CLI flag) suggests a key, token, password, ..."""
    upper = name.upper().replace("-", "_")
    return any(marker in upper for marker in _SECRET_MARKERS)


def strip_url_credentials(url: str) -> str:
    """``https://user:token@host/x?sig=1`` -> ``https://host/x``; scp-style ``git@host:x`` unchanged.

    ssh URLs keep the user name (``ssh://git@host/x``: not a secret) but lose any password.
    """
    if "://" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    if parts.scheme in ("ssh", "git+ssh") and parts.username and parts.password is None:
        host = f"{parts.username}@{host}"
    query = "" if parts.scheme in ("http", "https") else parts.query
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def _clean_value(value: str) -> str:
    # Values such as DATABASE_URL=postgres://u:pw@db/x carry credentials in an allowed name.
    if "://" in value and "@" in value:
        return " ".join(strip_url_credentials(word) for word in value.split(" "))
    return value


def select_environment(environ: Mapping[str, str], extra_names: Iterable[str] = ()) -> dict[str, str]:
    """The allow-listed variables of ``environ`` (plus ``extra_names``), secrets removed.

    ``extra_names`` may hold exact names or prefixes ending in ``*`` (``MYAPP_*``).
    """
    exact = set(DEFAULT_ENV_NAMES)
    prefixes = list(DEFAULT_ENV_PREFIXES)
    for name in extra_names:
        if name.endswith("*"):
            prefixes.append(name[:-1])
        else:
            exact.add(name)
    chosen: dict[str, str] = {}
    for name in sorted(environ):
        if is_secret_name(name):
            continue
        if name in exact or any(name.startswith(p) for p in prefixes):
            chosen[name] = _clean_value(environ[name])
    return chosen


def redact_args(args: Iterable[str]) -> list[str]:
    """Command-line arguments with values of secret-looking flags replaced (``--api-key X``)."""
    out: list[str] = []
    redact_next = False
    for arg in args:
        if redact_next:
            out.append(REDACTED)
            redact_next = False
            continue
        match = _FLAG_RE.match(arg)
        if match and is_secret_name(match.group(1)):
            if match.group(2) is None:
                redact_next = True
                out.append(arg)
            else:
                out.append(f"{arg.split('=', 1)[0]}={REDACTED}")
            continue
        out.append(_clean_value(arg))
    return out


def _dist_name_version(entry: os.DirEntry[str]) -> tuple[str, str] | None:
    stem = entry.name.rsplit(".", 1)[0]
    name, _, version = stem.rpartition("-")
    if entry.name.endswith(".dist-info") and name and version:
        return name, version  # "<name>-<version>.dist-info": no need to parse METADATA
    try:  # egg-info and odd names: read the metadata file (slow path)
        dist = importlib_metadata.PathDistribution(Path(entry.path))
        return (dist.metadata["Name"], dist.version) if dist.metadata["Name"] else None
    except Exception:
        return None


# The last answer, keyed by the folders searched and their modification times: a process that
# starts many runs (a sweep agent's trials) scans site-packages once, and a package installed since
# (a new *.dist-info entry changes its folder's mtime) is still seen.
_PACKAGES_MEMO: tuple[tuple[tuple[str, int], ...], list[str]] | None = None


def installed_packages(search_path: Iterable[str] | None = None) -> list[str]:
    """``name==version`` for every installed distribution, sorted; the first on ``sys.path`` wins.

    Reads ``*.dist-info`` directory names instead of every METADATA file: a few milliseconds for
    hundreds of packages, where :func:`importlib.metadata.distributions` takes a few hundred.
    """
    global _PACKAGES_MEMO
    folders = list(sys.path if search_path is None else search_path)
    stamp = tuple((folder, _mtime_ns(folder or ".")) for folder in folders)
    memo = _PACKAGES_MEMO
    if memo is not None and memo[0] == stamp:
        return list(memo[1])
    found = _scan_packages(folders)
    _PACKAGES_MEMO = (stamp, found)
    return list(found)


def _mtime_ns(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def _scan_packages(folders: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for folder in folders:
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith((".dist-info", ".egg-info")):
                continue
            found = _dist_name_version(entry)
            if found is not None:
                key = re.sub(r"[-_.]+", "-", found[0]).lower()
                seen.setdefault(key, f"{found[0]}=={found[1]}")
    return sorted(seen.values(), key=str.lower)


def conda_environment(environ: Mapping[str, str]) -> dict[str, str] | None:
    """The active conda environment's name and prefix (no ``conda env export``: too slow)."""
    name = environ.get("CONDA_DEFAULT_ENV")
    prefix = environ.get("CONDA_PREFIX")
    if not name and not prefix:
        return None
    return {"name": name or "", "prefix": prefix or ""}
