"""The public ``Api`` surface analysis scripts written for wandb use, against a real server.

The first test is W&B's own "export runs to CSV" recipe, run as published except for the import
line; the others check names, types and semantics of wandb 0.31's public ``Run``, ``Runs`` and
``Project``.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import trackwell as wandb
from tests.fixtures.live_server import LiveServer
from tests.integration.test_api_client import seed_run
from trackwell.apis import Api
from trackwell.schema.errors import InvalidArgument
from trackwell.schema.records import RecordBatch, StatsRecord
from trackwell.sdk.settings import Settings


@pytest.fixture
def api(live_server: LiveServer, tmp_path: Path) -> Iterator[Api]:
    settings = Settings.resolve(
        {"HOME": str(tmp_path)}, base_url=live_server.url, api_key=live_server.api_key
    )
    with Api(settings=settings) as a:
        yield a


@pytest.fixture
def project(api: Api) -> str:
    entity = api.default_entity
    for i, lr in enumerate([0.3, 0.1, 0.2]):
        seed_run(
            api.client,
            entity,
            "surf",
            f"r{i}",
            config={"lr": lr, "_private": 1, "layers": [64, 32]},
            rows=[{"loss": 1.0 / (s + 1 + i), "epoch": s // 2} for s in range(10)],
            summary={"loss": 0.1 * (i + 1), "acc": 0.9 - 0.1 * i},
            display_name=f"run-{i}",
        )
    return entity


def test_wandbs_export_runs_to_csv_recipe(
    project: str, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("WANDB_BASE_URL", live_server.url)
    monkeypatch.setenv("WANDB_API_KEY", live_server.api_key)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    # --- W&B docs, "Export data" > "Export run data to CSV", unchanged but for the import ---
    api = wandb.Api()
    entity, project_name = project, "surf"
    runs = api.runs(entity + "/" + project_name)

    summary_list, config_list, name_list = [], [], []
    for run in runs:
        # .summary contains output keys/values for metrics such as accuracy.
        #  We call ._json_dict to omit large files
        summary_list.append(run.summary._json_dict)

        # .config contains the hyperparameters.
        #  We remove special values that start with _.
        config_list.append({k: v for k, v in run.config.items() if not k.startswith("_")})

        # .name is the human-readable name of the run.
        name_list.append(run.name)

    runs_df = pd.DataFrame({"summary": summary_list, "config": config_list, "name": name_list})

    runs_df.to_csv("project.csv")
    # --- end of the recipe ---

    back = pd.read_csv(tmp_path / "project.csv")
    assert list(back["name"]) == ["run-0", "run-1", "run-2"]  # oldest first, wandb's default order
    assert config_list[0] == {"lr": 0.3, "layers": [64, 32]}
    assert summary_list[2] == {"loss": pytest.approx(0.3), "acc": pytest.approx(0.7)}
    assert "'lr': 0.1" in back["config"][1]


def test_run_attributes_with_wandbs_names_and_types(api: Api, project: str) -> None:
    api.client.post_records(
        project,
        "surf",
        "r1",
        RecordBatch(
            session_id=uuid.uuid4().hex,
            records=[StatsRecord(seq=0, timestamp=1e9, runtime=1, values={"system/cpu": 12.5})],
        )
        .model_dump_json()
        .encode(),
    )
    run = api.run("surf/r1")
    assert run.summary_metrics == {"loss": pytest.approx(0.2), "acc": pytest.approx(0.8)}
    assert run.summary_metrics is run.summary._json_dict
    assert json.loads(run.json_config) == {
        "lr": {"value": 0.1, "desc": None},
        "_private": {"value": 1, "desc": None},
        "layers": {"value": [64, 32], "desc": None},
    }
    assert run.rawconfig == {"lr": 0.1, "_private": 1, "layers": [64, 32]}
    assert run.system_metrics == {"system/cpu": 12.5}
    assert base64.b64decode(run.storage_id).decode() == f"Run:v1:r1:surf:{project}"
    assert run.sweep is None and run.sweep_name is None
    for artifacts in (run.logged_artifacts(), run.used_artifacts(per_page=10)):
        assert list(artifacts) == [] and len(artifacts) == 0
    # run.config is one mutable dict, as in wandb (run.config["x"] = v; run.update()).
    run.config["lr"] = 0.5
    assert run.config["lr"] == 0.5


def test_runs_order_in_wandbs_format_and_lazy_pages(api: Api, project: str) -> None:
    def ids(order: str) -> list[str]:
        return [r.id for r in api.runs("surf", order=order)]

    assert ids("+created_at") == ["r0", "r1", "r2"]
    assert [r.id for r in api.runs("surf")] == ["r0", "r1", "r2"]  # default: oldest first
    assert ids("-created_at") == ["r2", "r1", "r0"]
    assert ids("config.lr") == ["r1", "r2", "r0"]  # no sign: ascending
    assert ids("-config.lr.value") == ["r0", "r2", "r1"]  # wandb's config.<key>.value form
    assert ids("-summary_metrics.loss") == ["r2", "r1", "r0"]

    runs = api.runs("surf", per_page=2)
    first = next(iter(runs))
    assert first.id == "r0"
    assert len(runs._loaded) == 2  # one page fetched, not the whole project
    assert [r.id for r in runs] == ["r0", "r1", "r2"]
    assert len(runs) == 3


def test_project_and_projects(api: Api, project: str) -> None:
    found = api.project("surf")
    assert (found.name, found.entity, found.path) == ("surf", project, [project, "surf"])
    assert found.url == f"{api.base_url}/{project}/surf"
    assert found.created_at is not None and found.created_at.endswith("Z")
    assert found.run_count == 3 and found.sweeps() == []
    assert base64.b64decode(found.id).decode() == f"Project:v1:surf:{project}"
    assert api.project("surf", entity=project).run_count == 3
    empty = api.project("nothing-yet")  # like wandb, no error for a project with no runs
    assert empty.name == "nothing-yet" and empty.created_at is None and empty.run_count == 0
    names = [p.name for p in api.projects()]
    assert "surf" in names
    assert all(p.entity == project for p in api.projects(project))


def test_history_x_axis(api: Api, project: str) -> None:
    run = api.run("surf/r0")
    rows: Any = run.history(keys=["loss"], x_axis="epoch", pandas=False)
    assert rows and all({"_step", "loss", "epoch"} <= set(r) for r in rows)
    assert [r["epoch"] for r in rows][:4] == [0, 0, 1, 1]
    frame = run.history(keys=["loss"], x_axis="epoch")
    assert {"epoch", "loss"} <= set(frame.columns)


def test_files_by_names_or_like_pattern(api: Api, project: str) -> None:
    for name in ("config.yaml", "media/a.json", "media/b.json", "notes_1.txt", "notes_10.txt"):
        api.client.put_file(project, "surf", "r2", name, b"x")
    run = api.run("surf/r2")
    assert sorted(f.name for f in run.files(pattern="%.json")) == ["media/a.json", "media/b.json"]
    assert [f.name for f in run.files(pattern="notes\\__.txt")] == ["notes_1.txt"]  # "\\_": a "_"
    assert sorted(f.name for f in run.files(pattern="notes%")) == ["notes_1.txt", "notes_10.txt"]
    assert [f.name for f in run.files(pattern="notes__.txt")] == ["notes_1.txt"]
    assert [f.name for f in run.files(names=["config.yaml"])] == ["config.yaml"]
    assert len(run.files(names=[])) == 5  # wandb: empty names means every file
    with pytest.raises(InvalidArgument, match="not both"):
        run.files(names=["config.yaml"], pattern="%")
