"""The public ``Api`` (wandb.Api) against a real server: queries, paging, history, files, write-back."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_api_client import seed_run
from trackwell.apis import Api, FileAlreadyExistsError
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.sdk.settings import Settings


@pytest.fixture
def api(live_server: Any, tmp_path: Path) -> Iterator[Api]:
    settings = Settings.resolve(
        {"HOME": str(tmp_path)}, base_url=live_server.url, api_key=live_server.api_key
    )
    with Api(settings=settings) as a:
        yield a


@pytest.fixture
def seeded(api: Api) -> str:
    entity = api.default_entity
    for i in range(7):
        seed_run(
            api.client,
            entity,
            "pub",
            f"r{i}",
            config={"lr": 0.001 * (i + 1), "arch": "cnn" if i % 2 else "mlp"},
            rows=[{"loss": 1.0 / (s + 1 + i), "acc": s / 100} for s in range(30)],
            summary={"acc": i / 10, "loss": 1.0 / (i + 1)},
            display_name=f"run-{i}",
        )
    return entity


def test_runs_paging_len_and_indexing(api: Api, seeded: str) -> None:
    runs = api.runs(f"{seeded}/pub", per_page=3)
    assert len(runs) == 7  # one request, total from the server
    ids = [r.id for r in runs]  # iterating pages through all of them
    assert sorted(ids) == [f"r{i}" for i in range(7)]
    assert len(set(ids)) == 7
    assert runs[5].id == ids[5]
    assert runs[-1].id == ids[-1]
    assert [r.id for r in runs[1:3]] == ids[1:3]
    # The entity may be omitted: the viewer's default entity.
    assert len(api.runs("pub")) == 7


def test_filters_and_order_run_on_the_server(api: Api, seeded: str) -> None:
    big_lr = api.runs("pub", filters={"config.lr": {"$gte": 0.005}}, order="+config.lr")
    assert [r.id for r in big_lr] == ["r4", "r5", "r6"]
    best = api.runs("pub", filters={"summary_metrics.acc": {"$gt": 0.35}}, order="-summary_metrics.acc")
    assert [r.id for r in best] == ["r6", "r5", "r4"]
    cnn = api.runs("pub", filters={"$and": [{"config.arch": "cnn"}, {"state": "finished"}]})
    assert sorted(r.id for r in cnn) == ["r1", "r3", "r5"]


def test_run_attributes(api: Api, seeded: str) -> None:
    run = api.run("pub/r2")
    assert run.id == "r2"
    assert run.name == run.display_name == "run-2"
    assert run.path == [seeded, "pub", "r2"]
    assert run.entity == seeded and run.project == "pub"
    assert run.state == "finished"
    assert run.config["arch"] == "mlp"
    assert math.isclose(run.config["lr"], 0.003)
    assert run.summary["acc"] == 0.2
    assert run.lastHistoryStep == 29
    assert "loss" in run.history_keys["keys"]
    assert run.created_at and run.created_at.endswith("Z")
    assert run.url.endswith(f"/{seeded}/pub/runs/r2")
    assert api.run(f"{seeded}/pub/r2").id == "r2"
    with pytest.raises(NotFound):
        api.run("pub/missing")
    with pytest.raises(InvalidArgument, match="entity/project/run_id"):
        api.run("just-one-part")


def test_history_and_scan_history(api: Api, seeded: str) -> None:
    run = api.run("pub/r0")
    rows = run.history(pandas=False)
    assert len(rows) == 30 and rows[0]["_step"] == 0
    sampled = run.history(samples=5, keys=["loss"], pandas=False)
    assert 2 <= len(sampled) <= 30
    assert all("loss" in r and "_step" in r for r in sampled)
    assert sampled[0]["_step"] == 0 and sampled[-1]["_step"] == 29  # ends are kept
    frame = run.history(keys=["loss", "acc"])
    assert list(frame["_step"])[:3] == [0, 1, 2]
    assert {"loss", "acc"} <= set(frame.columns)
    scanned = list(run.scan_history(page_size=7))
    assert [r["_step"] for r in scanned] == list(range(30))
    window = list(run.scan_history(keys=["acc"], min_step=10, max_step=14))
    assert [r["_step"] for r in window] == [10, 11, 12, 13]  # max_step exclusive, as in wandb
    assert window[0]["acc"] == 0.1


def test_summary_update_and_run_update_write_back(api: Api, seeded: str) -> None:
    run = api.run("pub/r3")
    run.summary.update({"final": 42})
    run.summary["note"] = "ok"
    run.tags.append("reviewed")
    run.notes = "looked at it"
    run.name = "renamed"
    run.update()
    again = api.run("pub/r3")
    assert again.summary["final"] == 42 and again.summary["note"] == "ok"
    assert again.summary["acc"] == 0.3  # merged, not replaced
    assert again.tags == ["reviewed"]
    assert again.notes == "looked at it"
    assert again.display_name == "renamed"


def test_files_and_download(api: Api, seeded: str, tmp_path: Path) -> None:
    api.client.put_file(seeded, "pub", "r1", "config.yaml", b"lr: 0.002\n")
    api.client.put_file(seeded, "pub", "r1", "media/images/x.png", b"\x89PNG...")
    run = api.run("pub/r1")
    assert {f.name for f in run.files()} == {"config.yaml", "media/images/x.png"}
    target = run.file("media/images/x.png").download(root=tmp_path)
    assert target == tmp_path / "media/images/x.png"
    assert target.read_bytes() == b"\x89PNG..."
    with pytest.raises(FileAlreadyExistsError, match="replace=True"):
        run.file("media/images/x.png").download(root=tmp_path)
    with pytest.raises(ValueError):  # wandb raises ValueError here
        run.file("media/images/x.png").download(root=tmp_path)
    run.file("media/images/x.png").download(root=tmp_path, replace=True)
    with pytest.raises(NotFound, match="no file"):
        run.file("nope.txt")


def test_running_runs_are_readable_and_waitable(api: Api) -> None:
    entity = api.default_entity
    seed_run(api.client, entity, "live", "running1", rows=[{"x": 1.0}], finish=False)
    run = api.run("live/running1")
    assert run.state == "running"
    assert [r["x"] for r in run.scan_history()] == [1.0]
    with pytest.raises(TimeoutError):
        run.wait_until_finished(poll_interval=0.05, timeout=0.2)


def test_projects_and_viewer(api: Api, seeded: str) -> None:
    names = {p.name for p in api.projects()}
    assert "pub" in names
    assert api.viewer.entity == seeded


def test_overrides_and_bad_overrides(live_server: Any, tmp_path: Path) -> None:
    settings = Settings.resolve({"HOME": str(tmp_path)})
    overrides = {"base_url": live_server.url, "project": "pub"}
    with Api(overrides, api_key=live_server.api_key, timeout=5, settings=settings) as api:
        assert api.base_url == live_server.url
        assert len(api.runs()) == 0  # the project from overrides; nothing logged there yet
    with pytest.raises(InvalidArgument, match="unknown Api override 'projekt'"):
        Api({"projekt": "x"}, settings=settings)


def test_scan_history_finds_a_sparse_key_across_empty_pages(api: Api) -> None:
    """An image every 1,000 steps: most pages of rows hold none of it, and scanning goes on."""
    entity = api.default_entity
    rows: list[dict[str, Any]] = [{"loss": 1.0 / (s + 1)} for s in range(3000)]
    for step in (999, 1999, 2999):
        rows[step]["sample"] = f"image-{step}"
    seed_run(api.client, entity, "sparse", "s1", rows=rows)
    found = list(api.run(f"{entity}/sparse/s1").scan_history(keys=["sample"], page_size=100))
    assert [(r["_step"], r["sample"]) for r in found] == [(s, f"image-{s}") for s in (999, 1999, 2999)]
