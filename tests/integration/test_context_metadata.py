"""Run metadata from a real git repository: the run can be rebuilt exactly, and no secret leaks."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trackwell.sdk.context.metadata import ContextOptions, collect_metadata, reproduce_instructions

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SECRETS = {
    "TRACKWELL_API_KEY": "planted-trackwell-key-7f3a",
    "WANDB_API_KEY": "planted-wandb-key-91bc",
    "HF_TOKEN": "planted-hf-token-55de",
    "AWS_SECRET_ACCESS_KEY": "planted-aws-secret-0a0a",
    "SLURM_JOB_PASSWORD": "planted-slurm-pw-1234",
    "MYAPP_AUTH": "planted-myapp-auth-9999",
    "DB_CREDENTIALS": "planted-db-cred-4242",
}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def dirty_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    (repo / "src").mkdir(parents=True)
    (repo / "train.py").write_text("print('training')\n")
    (repo / "src" / "model.py").write_text("LAYERS = 2\n")
    (repo / "src" / "gone.py").write_text("x = 1\n")
    (repo / "weights.bin").write_bytes(bytes(range(256)))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "initial")
    _git(
        repo, "remote", "add", "origin", "https://alice:planted-remote-token@git.example.com/team/project.git"
    )
    # Dirty tree: an unstaged edit, a staged edit, a deletion, a binary change, an untracked file.
    (repo / "src" / "model.py").write_text("LAYERS = 12\nDROPOUT = 0.1\n")
    (repo / "train.py").write_text("print('training v2')\n")
    _git(repo, "add", "train.py")
    (repo / "src" / "gone.py").unlink()
    (repo / "weights.bin").write_bytes(bytes(reversed(range(256))))
    (repo / "notes.txt").write_text("scratch\n")
    return repo


def _options(repo: Path, **overrides: Any) -> ContextOptions:
    base = ContextOptions(
        program="train.py",
        args=["--lr", "0.1", "--api-key", "planted-arg-key-3141"],
        cwd=repo,
        environ={**os.environ, **SECRETS, "CUDA_VISIBLE_DEVICES": "0"},
        save_code=True,
    )
    return dataclasses.replace(base, **overrides)


def test_git_state_is_recorded_and_the_patch_rebuilds_the_tree(dirty_repo: Path, tmp_path: Path) -> None:
    files = tmp_path / "run" / "files"
    ctx = collect_metadata(_options(dirty_repo), files)
    git = ctx.metadata["git"]

    assert git["commit"] == _git(dirty_repo, "rev-parse", "HEAD")
    assert git["branch"] == "main"
    assert git["remote"] == "https://git.example.com/team/project.git"
    assert git["dirty"] is True
    assert git["untracked"] == ["notes.txt"]
    assert ctx.metadata["root"] == str(dirty_repo)
    assert "diff.patch" in ctx.files

    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(dirty_repo), str(clone))
    _git(clone, "checkout", "-q", git["commit"])
    _git(clone, "apply", str(files / "diff.patch"))
    for rel in ("train.py", "src/model.py", "weights.bin"):
        assert (clone / rel).read_bytes() == (dirty_repo / rel).read_bytes(), rel
    assert not (clone / "src" / "gone.py").exists()


def test_command_code_host_and_packages_are_captured(dirty_repo: Path, tmp_path: Path) -> None:
    files = tmp_path / "files"
    ctx = collect_metadata(_options(dirty_repo), files)
    meta = ctx.metadata

    assert meta["program"] == "train.py"
    assert meta["args"] == ["--lr", "0.1", "--api-key", "<redacted>"]
    assert meta["codePath"] == "train.py"
    assert (files / "code" / "train.py").read_text() == "print('training v2')\n"
    assert meta["python"] == ".".join(map(str, sys.version_info[:3]))
    assert meta["executable"] == sys.executable
    assert meta["cpu_count_logical"] == os.cpu_count()
    assert meta["memory"]["total"] > 0
    assert meta["env"]["CUDA_VISIBLE_DEVICES"] == "0"
    requirements = (files / "requirements.txt").read_text().splitlines()
    assert any(line.startswith("psutil==") for line in requirements)
    assert set(ctx.files) == {"requirements.txt", "diff.patch", "code/train.py"}
    json.dumps(meta)  # JSON-ready as is


def test_planted_secrets_appear_nowhere(dirty_repo: Path, tmp_path: Path) -> None:
    files = tmp_path / "files"
    ctx = collect_metadata(_options(dirty_repo, env_allow=("MYAPP_*", "DB_CREDENTIALS")), files)
    everything = json.dumps(ctx.metadata) + reproduce_instructions(ctx.metadata)
    for path in files.rglob("*"):
        if path.is_file():
            everything += path.read_text(errors="replace")
    for value in [*SECRETS.values(), "planted-remote-token", "planted-arg-key-3141"]:
        assert value not in everything
    for name in SECRETS:
        assert name not in ctx.metadata.get("env", {})


def test_switches_turn_captures_off(dirty_repo: Path, tmp_path: Path) -> None:
    no_git = collect_metadata(_options(dirty_repo, disable_git=True, capture_packages=False), tmp_path / "a")
    assert "git" not in no_git.metadata and "root" not in no_git.metadata
    assert no_git.files == ["code/train.py"]

    no_code = collect_metadata(_options(dirty_repo, disable_code=True), tmp_path / "b")
    assert no_code.metadata["git"]["commit"]  # the commit is still recorded
    assert "patch" not in no_code.metadata["git"]
    assert no_code.files == ["requirements.txt"]

    no_save = collect_metadata(_options(dirty_repo, save_code=False, capture_packages=False), tmp_path / "c")
    assert no_save.files == ["diff.patch"]


def test_outside_a_repository_git_is_skipped(tmp_path: Path) -> None:
    work = tmp_path / "plain"
    work.mkdir()
    (work / "run.py").write_text("pass\n")
    ctx = collect_metadata(
        ContextOptions(program="run.py", args=[], cwd=work, environ=dict(os.environ), capture_packages=False),
        tmp_path / "files",
    )
    assert "git" not in ctx.metadata
    assert ctx.metadata["codePath"] == "run.py"
    assert reproduce_instructions(ctx.metadata).splitlines()[-1] == "python run.py"


def test_reproduce_instructions_rebuild_and_rerun(dirty_repo: Path, tmp_path: Path) -> None:
    sub = dirty_repo / "src"
    ctx = collect_metadata(_options(dirty_repo, cwd=sub, program="../train.py"), tmp_path / "files")
    text = reproduce_instructions(ctx.metadata)
    commit = ctx.metadata["git"]["commit"]
    assert text.splitlines() == [
        "git clone https://git.example.com/team/project.git project",
        "cd project",
        f"git checkout {commit}",
        "git apply diff.patch  # uncommitted changes at run start",
        "# 1 untracked file(s) were present and are not restored",
        "cd src",
        f"# python {ctx.metadata['python']}; packages: pip install -r requirements.txt",
        "# replace <redacted> with the secret values before running",
        "python ../train.py --lr 0.1 --api-key '<redacted>'",
    ]


def test_from_process_records_how_the_program_was_started(tmp_path: Path) -> None:
    probe = (
        "from trackwell.sdk.context.metadata import ContextOptions as C; "
        "o = C.from_process(); print(o.program, o.args)"
    )
    (tmp_path / "script.py").write_text(probe + "\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "__main__.py").write_text(probe + "\n")

    def run(*argv: str) -> str:
        done = subprocess.run(
            [sys.executable, *argv], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
        )
        return done.stdout.strip()

    assert run("script.py", "--lr", "1") == "script.py ['--lr', '1']"
    assert run("-m", "pkg", "--x") == "-m pkg ['--x']"
    assert run("-c", probe) == "None []"
