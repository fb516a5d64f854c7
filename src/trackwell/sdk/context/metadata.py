"""Run context: everything needed to tell later where, from what code and how a run was started.

:func:`collect_metadata` gathers git state, the command line, the main script, interpreter and host
facts, installed packages and a filtered environment; it writes the bulky parts (``diff.patch``,
``requirements.txt``, ``code/<script>``) into the run's ``files/`` folder and returns the rest as a
JSON-ready dict. The SDK calls it on a background thread at ``init()`` and sends the dict in a
``RunMetaRecord``; :func:`reproduce_instructions` turns that dict back into shell commands for
``trackwell runs reproduce`` and the UI. Field-by-field documentation: ``docs/run-context.md``.

Imports only the standard library, psutil and its sibling modules (the SDK's import rules apply).
"""

from __future__ import annotations

import os
import shlex
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackwell.sdk.context.environment import (
    REDACTED,
    conda_environment,
    installed_packages,
    redact_args,
    select_environment,
)
from trackwell.sdk.context.git import GitState, read_git_state
from trackwell.sdk.context.host import host_facts
from trackwell.sdk.context.options import ContextOptions as ContextOptions  # re-exported

PATCH_FILE = "diff.patch"
REQUIREMENTS_FILE = "requirements.txt"
CODE_DIR = "code"
MAX_CODE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RunContext:
    metadata: dict[str, Any]
    files: list[str]  # written into files_dir, relative, '/'-separated


def _script_path(options: ContextOptions) -> Path | None:
    if options.program is None or options.program.startswith("-m "):
        return None
    path = Path(options.program)
    path = path if path.is_absolute() else options.cwd / path
    return path if path.is_file() else None


def _relative_code_path(script: Path, git_root: str | None, cwd: Path) -> str:
    script = script.resolve()
    for base in (git_root, cwd):
        if base is not None and script.is_relative_to(Path(base).resolve()):
            return script.relative_to(Path(base).resolve()).as_posix()
    return script.name


def _git_metadata(
    state: GitState, options: ContextOptions, files_dir: Path, files: list[str]
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "commit": state.commit,
        "branch": state.branch,
        "remote": state.remote,
        "dirty": state.dirty,
        "untracked": state.untracked,
        "untracked_count": state.untracked_total,
    }
    if state.patch and not options.disable_code:
        (files_dir / PATCH_FILE).write_bytes(state.patch)
        files.append(PATCH_FILE)
        info["patch"] = PATCH_FILE
    return info


def _save_code(script: Path, relative: str, files_dir: Path, files: list[str]) -> str | None:
    if script.stat().st_size > MAX_CODE_BYTES:
        return None
    target = files_dir / CODE_DIR / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(script, target)
    saved = f"{CODE_DIR}/{relative}"
    files.append(saved)
    return saved


def collect_metadata(settings_like: ContextOptions, files_dir: Path) -> RunContext:
    """Capture the run context; bulky parts are written into ``files_dir`` (created if needed).

    Example::

        ctx = collect_metadata(ContextOptions.from_process(save_code=True), run_dir / "files")
        record = RunMetaRecord(seq=n, metadata=ctx.metadata)
    """
    options = settings_like
    files_dir.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    metadata: dict[str, Any] = {
        "program": options.program,
        "args": redact_args(options.args),
        "cwd": str(options.cwd),
        "collected_at": time.time(),
    }
    metadata.update(host_facts(capture_gpu=options.capture_gpu))
    env = select_environment(options.environ, options.env_allow)
    if env:
        metadata["env"] = env
    conda = conda_environment(options.environ)
    if conda is not None:
        metadata["conda"] = conda
    if options.capture_packages:
        packages = installed_packages()
        (files_dir / REQUIREMENTS_FILE).write_text("".join(p + "\n" for p in packages), encoding="utf-8")
        files.append(REQUIREMENTS_FILE)
        metadata["requirements"] = REQUIREMENTS_FILE
    git_root: str | None = None
    if not options.disable_git:
        state = read_git_state(options.cwd, options.environ)
        if state is not None:
            git_root = state.root
            metadata["root"] = state.root
            metadata["git"] = _git_metadata(state, options, files_dir, files)
    script = _script_path(options)
    if script is not None:
        relative = _relative_code_path(script, git_root, options.cwd)
        metadata["codePath"] = relative
        metadata["codePathLocal"] = str(script)
        if options.save_code and not options.disable_code:
            saved = _save_code(script, relative, files_dir, files)
            if saved is not None:
                metadata["code"] = saved
    # Stored with the run so the UI shows exactly what `trackwell runs reproduce` prints.
    metadata["reproduce"] = reproduce_instructions(metadata)
    return RunContext(metadata=metadata, files=files)


def _command_line(metadata: Mapping[str, Any], workdir: str | None) -> str:
    program = metadata.get("program")
    args = [str(a) for a in metadata.get("args") or []]
    if not program:
        return "# interactive session: no command line recorded"
    if program.startswith("-m "):
        return shlex.join(["python", "-m", program[3:], *args])
    if os.path.isabs(program) and workdir is not None:
        program = os.path.relpath(program, workdir)
    return shlex.join(["python", program, *args])


def reproduce_instructions(metadata: Mapping[str, Any], patch_path: str = PATCH_FILE) -> str:
    """Shell commands that rebuild the run's code state and start it again.

    ``patch_path`` is where the caller put the run's ``diff.patch`` (``trackwell runs reproduce``
    downloads it). Lines that cannot be derived (no git, no remote) are left out or commented.
    """
    git = metadata.get("git") or {}
    root = metadata.get("root")
    cwd = metadata.get("cwd")
    lines: list[str] = []
    checkout_dir: str | None = None
    if git.get("remote"):
        name = str(git["remote"]).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
        checkout_dir = name or "repo"
        lines += [
            f"git clone {shlex.quote(git['remote'])} {shlex.quote(checkout_dir)}",
            f"cd {shlex.quote(checkout_dir)}",
        ]
    elif root:
        lines.append(f"cd {shlex.quote(str(root))}  # the original checkout; no remote was recorded")
    if git.get("commit"):
        lines.append(f"git checkout {git['commit']}")
    if git.get("patch"):
        lines.append(f"git apply {shlex.quote(patch_path)}  # uncommitted changes at run start")
    if git.get("untracked_count"):
        lines.append(f"# {git['untracked_count']} untracked file(s) were present and are not restored")
    if root and cwd and Path(cwd).is_relative_to(Path(root)) and Path(cwd) != Path(root):
        lines.append(f"cd {shlex.quote(Path(cwd).relative_to(Path(root)).as_posix())}")
    elif cwd and not root:
        lines.append(f"cd {shlex.quote(str(cwd))}")
    requirements = metadata.get("requirements")
    if requirements:
        lines.append(f"# python {metadata.get('python', '')}; packages: pip install -r {requirements}")
    command = _command_line(metadata, cwd if isinstance(cwd, str) else None)
    if REDACTED in command:
        lines.append(f"# replace {REDACTED} with the secret values before running")
    lines.append(command)
    return "\n".join(lines) + "\n"
