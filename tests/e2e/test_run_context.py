"""Reproducibility context captured with no code from the user, end to end through a real server.

A training script in a git repository with uncommitted changes prints to stdout and stderr (ANSI
colours and a `\\r` progress bar included), saves a checkpoint with `run.save`, and runs with
planted secrets in its environment. Everything is then read back through the public API: the
commit and a patch that applies cleanly, the console as a person would want to read it, system
metrics as series, the checkpoint restored byte for byte, and no secret anywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env, only_run
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

SECRET = "sk-planted-9f8e7d6c5b4a"
TRAIN = """
import os, sys, time
import trackwell as wandb

run = wandb.init(project="context-demo", config={"lr": 0.1})
print("hello from stdout")
print("careful: stderr line", file=sys.stderr)
print("\\x1b[32mgreen ok\\x1b[0m")
for i in range(101):
    sys.stdout.write(f"\\rtraining {i:3d}%")
    sys.stdout.flush()
print()
from tqdm import tqdm
for _ in tqdm(range(200), desc="epoch 1", mininterval=0):
    time.sleep(0.001)
with open("checkpoint.bin", "wb") as f:
    f.write(bytes(range(256)) * 40)
run.save("checkpoint.bin", policy="now")
wandb.log({"loss": 0.5})
time.sleep(1.0)  # long enough for a few system-metrics samples
wandb.finish()
print("run path:", "/".join(run.path) if isinstance(run.path, list) else run.path)
"""


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


def test_context_is_captured_and_read_back(
    live_server: LiveServer, tmp_path: Path, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", f"https://alice:{SECRET}@git.example.com/team/model.git")
    (repo / "train.py").write_text(TRAIN)
    (repo / "model.py").write_text("LAYERS = 2\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    commit = git(repo, "rev-parse", "HEAD").strip()
    (repo / "model.py").write_text("LAYERS = 3  # uncommitted change\n")

    env = _env(
        live_server,
        tmp_path,
        TRACKWELL_STATS_INTERVAL="0.2",
        MY_SERVICE_TOKEN=SECRET,
        AWS_SECRET_ACCESS_KEY=SECRET,
        CUDA_VISIBLE_DEVICES="0",
    )
    proc = subprocess.run(
        [sys.executable, "train.py", "--epochs", "3"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "hello from stdout" in proc.stdout, "the process's own output must be unchanged"
    assert "careful: stderr line" in proc.stderr

    run = only_run(api, "context-demo")
    meta = run.metadata
    assert meta["git"]["commit"] == commit
    assert meta["git"]["dirty"] is True
    assert SECRET not in json.dumps(meta)
    assert "git.example.com/team/model.git" in meta["git"]["remote"]
    assert meta["program"].endswith("train.py") and meta["args"] == ["--epochs", "3"]

    files = {f.name for f in run.files()}
    assert {"diff.patch", "requirements.txt", "code/train.py", "checkpoint.bin"} <= files
    download = tmp_path / "download"
    for name in files:
        run.file(name).download(root=download, replace=True)
        assert SECRET.encode() not in (download / name).read_bytes(), name
    assert (download / "checkpoint.bin").read_bytes() == bytes(range(256)) * 40

    # The saved patch applied to a fresh checkout of the commit reproduces the working tree.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", commit)
    git(clone, "apply", str(download / "diff.patch"))
    assert (clone / "model.py").read_text() == (repo / "model.py").read_text()

    # How to reproduce: stored with the run (the UI shows it) and printed by the CLI, patch included.
    assert f"git checkout {commit}" in meta["reproduce"] and "git apply diff.patch" in meta["reproduce"]
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "trackwell",
            "runs",
            "reproduce",
            "/".join(run.path),
            "--dir",
            str(tmp_path / "rep"),
        ],
        env={**env, "TRACKWELL_BASE_URL": live_server.url, "TRACKWELL_API_KEY": live_server.api_key},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert f"git checkout {commit}" in again.stdout
    assert f"git apply {tmp_path / 'rep' / 'diff.patch'}" in again.stdout
    assert "python train.py --epochs 3" in again.stdout
    assert (tmp_path / "rep" / "diff.patch").read_bytes() == (download / "diff.patch").read_bytes()

    lines = run.console()
    texts = [line["text"] for line in lines]
    assert "hello from stdout" in texts
    assert "\x1b[32mgreen ok\x1b[0m" in texts, "ANSI colours are kept for the UI to render"
    assert [line["stream"] for line in lines if line["text"] == "careful: stderr line"] == ["stderr"]
    bars = [t for t in texts if "training" in t]
    assert bars == ["training 100%"], "a \\r progress bar is one line in its final state"
    tqdm_lines = [line for line in lines if line["text"].startswith("epoch 1:")]
    assert len(tqdm_lines) == 1, tqdm_lines
    assert "100%" in tqdm_lines[0]["text"] and "200/200" in tqdm_lines[0]["text"]
    assert tqdm_lines[0]["stream"] == "stderr"

    system = run.history(stream="system", pandas=False)
    assert len(system) >= 2
    assert all("system/cpu_percent" in row and "system/memory_percent" in row for row in system)

    # restore() with no active run reads the endpoint from the environment, as a user's script would.
    monkeypatch.setenv("TRACKWELL_BASE_URL", live_server.url)
    monkeypatch.setenv("TRACKWELL_API_KEY", live_server.api_key)
    restored = tmp_path / "restored"
    handle = trackwell.restore("checkpoint.bin", run_path="/".join(run.path), root=restored)
    assert handle is not None
    handle.close()
    assert (restored / "checkpoint.bin").read_bytes() == bytes(range(256)) * 40
