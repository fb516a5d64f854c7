"""Secrets never leave the machine through recorded environment, remotes or command lines."""

from __future__ import annotations

import os
import re
from importlib import metadata as importlib_metadata
from pathlib import Path

import pytest

from trackwell.sdk.context.environment import (
    REDACTED,
    installed_packages,
    redact_args,
    select_environment,
    strip_url_credentials,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:token@github.com/org/repo.git", "https://github.com/org/repo.git"),
        ("https://ghp_abc123@github.com/org/repo", "https://github.com/org/repo"),
        ("http://u:p@host:8080/x?access_token=t", "http://host:8080/x"),
        ("ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"),
        ("ssh://git:pw@github.com/org/repo.git", "ssh://github.com/org/repo.git"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("/srv/git/repo.git", "/srv/git/repo.git"),
    ],
)
def test_remote_urls_lose_credentials(url: str, expected: str) -> None:
    assert strip_url_credentials(url) == expected


def test_only_allow_listed_non_secret_variables_are_recorded() -> None:
    environ = {
        "CUDA_VISIBLE_DEVICES": "0,1",
        "SLURM_JOB_ID": "42",
        "WANDB_PROJECT": "demo",
        "WANDB_API_KEY": "planted-wandb-key",
        "TRACKWELL_API_KEY": "planted-tw-key",
        "HF_TOKEN": "planted-hf-token",
        "SLURM_AUTH_INFO": "planted-auth",
        "MYAPP_SECRET": "planted-secret",
        "MYAPP_MODE": "fast",
        "HOME": "/home/me",
        "DB_PASSWORD": "planted-password",
    }
    chosen = select_environment(environ, extra_names=["MYAPP_*", "DB_PASSWORD"])
    assert chosen == {
        "CUDA_VISIBLE_DEVICES": "0,1",
        "MYAPP_MODE": "fast",
        "SLURM_JOB_ID": "42",
        "WANDB_PROJECT": "demo",
    }


def test_allowed_variables_holding_urls_lose_their_credentials() -> None:
    chosen = select_environment({"TRACKWELL_BASE_URL": "https://me:planted-pw@tw.example/"})
    assert chosen == {"TRACKWELL_BASE_URL": "https://tw.example/"}


def test_secret_looking_command_line_values_are_redacted() -> None:
    args = ["--lr", "0.1", "--api-key", "planted1", "--token=planted2", "-x", "--db", "postgres://u:pw@h/db"]
    assert redact_args(args) == [
        "--lr",
        "0.1",
        "--api-key",
        REDACTED,
        f"--token={REDACTED}",
        "-x",
        "--db",
        "postgres://h/db",
    ]


def _normalized(requirement: str) -> str:
    name, _, version = requirement.partition("==")
    return f"{re.sub(r'[-_.]+', '-', name).lower()}=={version}"


def test_installed_packages_match_what_importlib_metadata_reports() -> None:
    packages = installed_packages()
    expected = {_normalized(f"{d.metadata['Name']}=={d.version}") for d in importlib_metadata.distributions()}
    assert {_normalized(p) for p in packages} == expected
    names = {p.split("==")[0].lower() for p in packages}
    assert {"trackwell", "psutil", "pydantic"} <= names


def test_installed_packages_are_read_once_per_process_but_see_a_new_install(tmp_path: Path) -> None:
    """A sweep agent starts many runs in one process: the scan is remembered, and a package
    installed meanwhile (a new *.dist-info folder) still shows up in the next run's list."""

    def install(name: str, version: str) -> None:
        info = tmp_path / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")

    install("alpha", "1.0")
    first = installed_packages([str(tmp_path)])
    assert first == ["alpha==1.0"]
    assert installed_packages([str(tmp_path)]) == first
    os.utime(tmp_path, ns=(0, 0))  # make sure the next install moves the folder's mtime
    install("beta", "2.0")
    assert installed_packages([str(tmp_path)]) == ["alpha==1.0", "beta==2.0"]
