"""Names wandb accepts, and resuming, against a real server on SQLite and on PostgreSQL.

wandb forbids only ``/ \\ # ? % :`` in a project name (128 characters at most) and the same in a
run id; "wandb tutorial" and "模型 über" are ordinary projects. A resumed run keeps what is stored
(display name, tags, group, job type, notes, config keys not passed) unless the user passes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import trackwell
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.sdk.api_client import ApiClient

PROJECTS = [
    "wandb tutorial",
    "模型 über",
    "p" * 128,  # wandb's limit
    'it\'s "quoted" v1.2 (draft) ünïcode & more',
]


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path_factory.mktemp(f"names-{request.param}") / "data") as live:
        yield live


@pytest.fixture
def env(tmp_path: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    yield point_sdk_at(server, tmp_path, monkeypatch)
    trackwell.finish()


@pytest.fixture
def client(server: LiveServer) -> Iterator[ApiClient]:
    with ApiClient(server.url, server.api_key) as c:
        yield c


def test_projects_with_spaces_unicode_quotes_and_long_names_round_trip(
    env: dict[str, str], client: ApiClient, tmp_path: Path
) -> None:
    entity = client.viewer().entity
    ids = {}
    for project in PROJECTS:
        run = trackwell.init(
            project=project,
            dir=tmp_path,
            name="epoch 1/2: ü",  # a display name may hold anything printable
            group="group with spaces",
            job_type="train & eval",
            tags=["tag one", "ünï"],
            config={"lr": 0.1},
        )
        for i in range(3):
            run.log({"loss": 1.0 / (i + 1)})
        assert run.url is not None and " " not in run.url  # percent-encoded, clickable
        run.finish()
        ids[project] = run.id
        out = client.get_run(entity, project, run.id)
        assert (out.project, out.display_name, out.state) == (project, "epoch 1/2: ü", "finished")
        assert out.group == "group with spaces" and out.job_type == "train & eval"
        assert out.tags == ["tag one", "ünï"] and out.history_count == 3

    listed = {p.name for p in client.list_projects(entity).projects}
    assert set(PROJECTS) <= listed

    api = trackwell.Api()
    for project, run_id in ids.items():
        runs = list(api.runs(f"{entity}/{project}"))
        assert [r.id for r in runs] == [run_id]
        one = api.run(f"{entity}/{project}/{run_id}")
        assert one.project == project and one.summary["loss"] == pytest.approx(1 / 3)
        assert [row["loss"] for row in one.scan_history()] == pytest.approx([1.0, 0.5, 1 / 3])

    cli = subprocess.run(
        [sys.executable, "-m", "trackwell", "runs", "ls", "wandb tutorial"],
        env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", ""), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert cli.returncode == 0, cli.stderr
    assert ids["wandb tutorial"] in cli.stdout and "1 of 1 runs" in cli.stdout


def test_a_run_id_with_spaces_and_unicode_is_stored_and_read_back(
    env: dict[str, str], client: ApiClient, tmp_path: Path
) -> None:
    run_id = "exp 7 ü-v1.2"
    run = trackwell.init(project="wandb tutorial", id=run_id, dir=tmp_path)
    run.log({"x": 1})
    run.finish()
    assert Path(run.sync_dir).name.endswith(run_id) and Path(run.sync_dir).parent == tmp_path / "trackwell"
    assert client.get_run(run.entity, "wandb tutorial", run_id).history_count == 1
    assert trackwell.Api().run(f"{run.entity}/wandb tutorial/{run_id}").id == run_id


def test_a_run_id_of_128_characters_fits_every_backend(
    env: dict[str, str], client: ApiClient, tmp_path: Path
) -> None:
    run_id = "é" * 60 + "-" + "x" * 67  # 128 characters, 188 bytes in UTF-8
    run = trackwell.init(project="long ids", id=run_id, dir=tmp_path, name="n" * 256)
    run.log({"x": 1})
    run.finish()
    out = client.get_run(run.entity, "long ids", run_id)
    assert out.id == run_id and out.display_name == "n" * 256 and out.history_count == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project", "a/b"),
        ("project", "a\\b"),
        ("project", "what?"),
        ("project", "50%"),
        ("project", "c:d"),
        ("project", "#tag"),
        ("project", ".."),
        ("project", "p" * 129),
        ("project", "nul\x00byte"),
        ("project", "line\nbreak"),
        ("project", "   "),
        ("entity", "team/x"),
        ("id", "a/b"),
        ("id", " padded"),
        ("id", "."),
        ("group", "g\x07"),
        ("tags", ["t" * 65]),
        ("id", "x" * 129),
        ("name", "n" * 257),
    ],
)
def test_refused_names_fail_at_init_naming_the_field_before_anything_is_logged(
    env: dict[str, str], tmp_path: Path, field: str, value: Any
) -> None:
    with pytest.raises(trackwell.UsageError) as info:
        trackwell.init(**{"project": "ok", field: value}, dir=tmp_path)
    message = str(info.value)
    source = {"id": "run_id", "group": "run_group", "name": "run_name"}.get(field, field)  # the setting
    assert message.startswith(f"{source}=") and "not a valid" in message
    assert trackwell.run is None
    assert not (tmp_path / "trackwell").exists()  # no run dir, no run log


def test_the_server_refuses_bad_names_in_the_path_with_a_clear_error(server: LiveServer) -> None:
    body = {"session_id": "s1", "resume": "allow"}
    with httpx.Client(base_url=server.url, headers=server.headers) as http:
        for path, field in [
            ("/api/v1/runs/me/a%23b/r1", "project"),  # '#'
            ("/api/v1/runs/me/a%3Ab/r1", "project"),  # ':'
            ("/api/v1/runs/me/%2E%2E/r1", "project"),  # '..'
            ("/api/v1/runs/me/p/a%25b", "run_id"),  # '%'
            ("/api/v1/runs/me/ctl%00/r1", "project"),
        ]:
            answer = http.put(path, json=body)
            assert answer.status_code == 400, (path, answer.text)
            error = answer.json()["error"]
            assert error["field"] == field and ("cannot" in error["message"] or "control" in error["message"])
        answer = http.put("/api/v1/runs/me/p/r1", json={**body, "tags": ["x" * 65]})
        assert answer.status_code == 400 and answer.json()["error"]["field"] == "tags.0"


# --- resume keeps what is stored ------------------------------------------------------------------


def _first_run(tmp_path: Path, run_id: str) -> dict[str, Any]:
    run = trackwell.init(
        project="resume",
        id=run_id,
        dir=tmp_path,
        tags=["kept"],
        group="g1",
        job_type="train",
        notes="first notes",
        config={"a": 1, "b": 2},
    )
    run.log({"x": 0})
    stored = {"name": run.name}
    run.finish()
    return stored


def _stored(client: ApiClient, run_id: str) -> tuple[Any, ...]:
    out = client.get_run(client.viewer().entity, "resume", run_id)
    return (out.display_name, out.tags, out.group, out.job_type, out.notes, out.config)


@pytest.mark.parametrize("mode", ["env_allow", "must", "resume_true", "auto_env"])
def test_resume_keeps_the_stored_name_and_fields(
    env: dict[str, str], client: ApiClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    run_id = f"keep-{mode}-{uuid.uuid4().hex[:6]}"
    first = _first_run(tmp_path, run_id)
    before = _stored(client, run_id)
    assert before[0] == first["name"] and before[0]  # the server named it (wandb's "adjective-noun-N")
    if mode in ("env_allow", "auto_env"):
        monkeypatch.setenv("WANDB_RUN_ID", run_id)
        monkeypatch.setenv("WANDB_RESUME", "allow" if mode == "env_allow" else "auto")
        second = trackwell.init(project="resume", dir=tmp_path)
    elif mode == "must":
        second = trackwell.init(project="resume", id=run_id, resume="must", dir=tmp_path)
    else:
        second = trackwell.init(project="resume", id=run_id, resume=True, dir=tmp_path)
    assert second.resumed and second.name == first["name"]
    assert (second.group, second.job_type, second.notes, tuple(second.tags)) == (
        "g1",
        "train",
        "first notes",
        ("kept",),
    )
    assert dict(second.config) == {"a": 1, "b": 2}
    second.log({"x": 1})
    second.finish()
    assert _stored(client, run_id) == before


def test_resume_with_explicit_values_changes_only_those(
    env: dict[str, str], client: ApiClient, tmp_path: Path
) -> None:
    run_id = f"change-{uuid.uuid4().hex[:6]}"
    _first_run(tmp_path, run_id)
    second = trackwell.init(
        project="resume", id=run_id, resume="allow", dir=tmp_path, name="renamed", config={"b": 3}
    )
    assert second.name == "renamed"
    second.finish()
    name, tags, group, job_type, notes, config = _stored(client, run_id)
    assert (name, tags, group, job_type, notes) == ("renamed", ["kept"], "g1", "train", "first notes")
    assert config == {"a": 1, "b": 3}
