"""Write-back through the public ``Api`` against a real server, on SQLite and on PostgreSQL.

What a wandb user does: ``run = api.run(path); run.config["x"] = v; run.name = ...; run.update()``,
``run.summary["k"] = v; run.summary.update()``, ``del run.summary["k"]``. Everything must persist,
on finished runs and on runs still logging, and a write-back to a running run must survive the
training process's later config and summary writes unless it writes the same keys itself (then
the latest write wins).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from tests.integration.test_api_client import seed_run
from trackwell.apis import Api
from trackwell.sdk.settings import Settings


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path / "data") as live:
        yield live


@pytest.fixture
def api(server: LiveServer, tmp_path: Path) -> Iterator[Api]:
    settings = Settings.resolve({"HOME": str(tmp_path)}, base_url=server.url, api_key=server.api_key)
    with Api(settings=settings) as a:
        yield a


@pytest.fixture
def sdk_env(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("WANDB_", "TRACKWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKWELL_BASE_URL", server.url)
    monkeypatch.setenv("TRACKWELL_API_KEY", server.api_key)
    monkeypatch.setenv("TRACKWELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKWELL_SILENT", "true")
    yield
    trackwell.finish()


def wait_for(read: Callable[[], Any], ok: Callable[[Any], bool], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        time.sleep(0.1)


def test_every_field_writes_back_on_a_finished_run(api: Api) -> None:
    entity = api.default_entity
    seed_run(
        api.client,
        entity,
        "wb",
        "done1",
        config={"lr": 0.1, "batch": 32, "old": "x"},
        summary={"acc": 0.5, "loss": 0.2, "scratch": 1},
        display_name="before",
    )
    run = api.run("wb/done1")
    run.config["lr"] = 0.05  # change
    run.config["note"] = "tuned"  # add
    del run.config["old"]  # remove
    run.name = "after"
    run.group = "sweep-a"
    run.job_type = "eval"
    run.tags.append("reviewed")
    run.notes = "looked at it"
    run.summary["verdict"] = "good"
    del run.summary["scratch"]
    run.update()

    with Api(settings=api.settings) as fresh:  # a new client: nothing cached on this side
        again = fresh.run(f"{entity}/wb/done1")
    assert again.config == {"lr": 0.05, "batch": 32, "note": "tuned"}
    assert (again.name, again.group, again.job_type) == ("after", "sweep-a", "eval")
    assert again.tags == ["reviewed"] and again.notes == "looked at it"
    assert again.summary._json_dict == {"acc": 0.5, "loss": 0.2, "verdict": "good"}
    assert again.state == "finished"

    # wandb's summary.update(): merge the given keys and write every local change.
    again = api.run("wb/done1")
    again.summary.update({"best": 0.9})
    del again.summary["verdict"]
    again.summary.update()
    third = api.run("wb/done1")
    assert third.summary._json_dict == {"acc": 0.5, "loss": 0.2, "best": 0.9}
    # overwrite=False (wandb's signature) leaves the keys set explicitly on this summary alone.
    again.summary.update({"best": 0.1, "acc": 0.6}, overwrite=False)
    assert api.run("wb/done1").summary._json_dict == {"acc": 0.6, "loss": 0.2, "best": 0.9}
    third = api.run("wb/done1")
    # A local change that nobody wrote is not on the server (wandb writes on update()).
    third.summary["unsaved"] = 1
    assert "unsaved" not in api.run("wb/done1").summary


def test_write_back_to_a_running_run_survives_the_sdks_later_writes(
    api: Api, sdk_env: None, tmp_path: Path
) -> None:
    live = trackwell.init(project="wb", dir=tmp_path, config={"lr": 0.1, "epochs": 3, "seed": 1})
    for step in range(5):
        trackwell.log({"loss": 1.0 / (step + 1)})
    path = f"{live.entity}/wb/{live.id}"
    wait_for(lambda: api.run(path).lastHistoryStep, lambda s: s == 4, "the first rows to arrive")

    remote = api.run(path)
    remote.config["lr"] = 0.05  # the analyst corrects a key the SDK also holds
    remote.config["dataset"] = "v2"  # and adds one it does not
    del remote.config["seed"]
    remote.summary["verdict"] = "promising"
    remote.name = "renamed-while-running"
    remote.update()

    # The training process goes on: new config keys, a change of its own key, more summary.
    live.config.update({"batch": 64})
    live.config.update({"epochs": 5}, allow_val_change=True)
    for step in range(5, 10):
        trackwell.log({"loss": 1.0 / (step + 1)})
    live.summary["best"] = 0.1
    trackwell.finish()

    final = api.run(path)
    assert final.state == "finished"
    # Api edits of keys the SDK left alone stay; the SDK's own later writes land too.
    assert final.config == {"lr": 0.05, "epochs": 5, "dataset": "v2", "batch": 64}
    assert final.summary["verdict"] == "promising"
    assert final.summary["best"] == 0.1 and math.isclose(final.summary["loss"], 0.1)
    assert final.name == "renamed-while-running"


def test_the_latest_write_of_a_key_wins(api: Api, sdk_env: None, tmp_path: Path) -> None:
    live = trackwell.init(project="wb", dir=tmp_path, config={"lr": 0.1})
    trackwell.log({"loss": 1.0})
    path = f"{live.entity}/wb/{live.id}"
    wait_for(lambda: api.run(path).lastHistoryStep, lambda s: s == 0, "the first row")
    remote = api.run(path)
    remote.config["lr"] = 0.05
    remote.summary["loss"] = 123.0
    remote.update()
    assert api.run(path).config["lr"] == 0.05
    # The training process then writes the same keys: its values are the latest.
    live.config.update({"lr": 0.01}, allow_val_change=True)
    trackwell.log({"loss": 0.5})
    trackwell.finish()
    final = api.run(path)
    assert final.config["lr"] == 0.01
    assert final.summary["loss"] == 0.5


def test_non_finite_values_read_back_as_floats_everywhere(api: Api) -> None:
    entity = api.default_entity
    rows = [{"loss": math.nan, "grad": math.inf, "low": -math.inf, "ok": 1.0}, {"loss": 0.5, "ok": 2.0}]
    seed_run(
        api.client,
        entity,
        "nan",
        "r1",
        config={"clip": math.inf, "nested": {"eps": -math.inf}, "name": "NaN-free"},
        rows=rows,
        summary={"loss": math.nan, "grad": math.inf, "best": {"low": -math.inf}},
    )
    run = api.run("nan/r1")
    assert math.isnan(run.summary["loss"]) and run.summary["grad"] == math.inf
    assert run.summary["best"] == {"low": -math.inf}
    assert math.isnan(run.summary_metrics["loss"])
    assert run.config["clip"] == math.inf and run.config["nested"] == {"eps": -math.inf}
    assert run.config["name"] == "NaN-free"  # other strings untouched
    scanned = list(run.scan_history())
    assert math.isnan(scanned[0]["loss"])
    assert scanned[0]["grad"] == math.inf and scanned[0]["low"] == -math.inf
    keyed = list(run.scan_history(keys=["loss"]))
    assert math.isnan(keyed[0]["loss"]) and keyed[1]["loss"] == 0.5
    sampled = run.history(keys=["loss", "grad"], pandas=False)
    assert math.isnan(sampled[0]["loss"]) and sampled[0]["grad"] == math.inf
    full = run.history(pandas=False)
    assert math.isnan(full[0]["loss"]) and full[0]["low"] == -math.inf
    # Writing back a run with NaN in its summary keeps the NaN (not null, not a string).
    run.notes = "diverged"
    run.update()
    again = api.run("nan/r1")
    assert math.isnan(again.summary["loss"]) and again.notes == "diverged"
    again.summary["nan_too"] = math.nan
    again.summary.update()
    assert math.isnan(api.run("nan/r1").summary["nan_too"])
