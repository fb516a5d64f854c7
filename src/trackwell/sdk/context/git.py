"""The git state of the code a run was started from: commit, branch, remote, and the uncommitted diff.

A handful of ``git`` subprocesses, each with a timeout, so a huge or network-mounted repository delays
only the background metadata thread, never the run. ``GIT_OPTIONAL_LOCKS=0`` keeps git from taking
``index.lock`` while the user may be committing in another terminal. Not a repository, no ``git`` on
``PATH``, or any failure: the fields are simply absent.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trackwell.sdk.context.environment import strip_url_credentials

log = logging.getLogger(__name__)

GIT_TIMEOUT_S = 5.0
MAX_UNTRACKED_LISTED = 1000
MAX_PATCH_BYTES = 100 * 1024 * 1024


@dataclass
class GitState:
    root: str
    commit: str | None = None
    branch: str | None = None
    remote: str | None = None
    dirty: bool = False
    patch: bytes = b""
    untracked: list[str] = field(default_factory=list)
    untracked_total: int = 0


def _git(args: list[str], cwd: Path, env: Mapping[str, str]) -> bytes | None:
    command = ["git", "-c", "core.quotepath=off", "-c", "color.ui=never", *args]
    try:
        done = subprocess.run(
            command, cwd=cwd, env=dict(env), capture_output=True, timeout=GIT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("git %s failed: %s", args[0], exc)
        return None
    return done.stdout if done.returncode == 0 else None


def _pick_remote(config_lines: str) -> str | None:
    # "remote.<name>.url <url>" lines; origin wins, else the first remote.
    urls: dict[str, str] = {}
    for line in config_lines.splitlines():
        key, _, value = line.partition(" ")
        if key.startswith("remote.") and key.endswith(".url") and value:
            urls.setdefault(key[len("remote.") : -len(".url")], value)
    url: str | None = urls.get("origin") or next(iter(urls.values()), None)
    return strip_url_credentials(url) if url else None


def read_git_state(cwd: Path, environ: Mapping[str, str]) -> GitState | None:
    """The repository containing ``cwd``, or ``None`` when there is none (or git is unusable)."""
    env = {**environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    top = _git(["rev-parse", "--show-toplevel"], cwd, env)
    if top is None:
        return None
    state = GitState(root=top.decode("utf-8", "replace").strip())
    head = _git(["rev-parse", "HEAD", "--abbrev-ref", "HEAD"], cwd, env)
    if head is not None:
        lines = head.decode().split()
        if lines:
            state.commit = lines[0]
        if len(lines) > 1 and lines[1] != "HEAD":  # "HEAD" means detached
            state.branch = lines[1]
    remotes = _git(["config", "--get-regexp", r"^remote\..*\.url$"], cwd, env)
    if remotes is not None:
        state.remote = _pick_remote(remotes.decode("utf-8", "replace"))
    if state.commit is not None:
        # Staged and unstaged changes to tracked files, binary-safe, relative to the repository root.
        patch = _git(["diff", "HEAD", "--binary", "--no-ext-diff", "--no-textconv"], Path(state.root), env)
        if patch is not None and len(patch) <= MAX_PATCH_BYTES:
            state.patch = patch
        elif patch is not None:
            log.warning("uncommitted diff is %d bytes; not saved (limit %d)", len(patch), MAX_PATCH_BYTES)
            state.dirty = True
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], Path(state.root), env)
    if untracked is not None:
        names = [n for n in untracked.decode("utf-8", "replace").split("\0") if n]
        state.untracked_total = len(names)
        state.untracked = names[:MAX_UNTRACKED_LISTED]
    state.dirty = state.dirty or bool(state.patch) or bool(state.untracked_total)
    return state
