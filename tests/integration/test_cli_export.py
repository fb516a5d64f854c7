"""``trackwell export`` against a real server: the files hold exactly the runs and history rows the
Api reads, Parquet and CSV both open with pandas, and CSV cells cannot run as spreadsheet formulas."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.integration.test_api_client import seed_run
from trackwell.apis import Api
from trackwell.sdk.settings import Settings

PROJECT = "export-proj"


def _rows(i: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for step in range(40):
        row: dict[str, Any] = {"loss": 1.0 / (step + 1 + i), "epoch": step // 10}
        if step % 9 == 0:
            row["loss"] = math.nan
        if step % 4 == 0:
            row["note"] = '=HYPERLINK("http://evil")' if step == 8 else f"ok {step}"
        if step % 13 == 0:
            row["img"] = {"_type": "image-file", "path": f"media/images/{step}.png"}
        if step == 20:
            row["acc"] = math.inf
        rows.append(row)
    return rows


@pytest.fixture
def seeded(live_server: Any, tmp_path: Path) -> Iterator[Api]:
    settings = Settings.resolve(
        {"HOME": str(tmp_path)}, base_url=live_server.url, api_key=live_server.api_key
    )
    with Api(settings=settings) as api:
        yield _seed(api)


def _seed(api: Api) -> Api:
    for i in range(3):
        seed_run(
            api.client,
            api.default_entity,
            PROJECT,
            f"run{i}",
            config={"lr": 0.1 * (i + 1), "arch": "=cmd|' /C calc'!A0" if i == 1 else "mlp"},
            rows=_rows(i),
            summary={"loss": 0.5 - i / 10},
        )
    return api


def _export(live_server: Any, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "WANDB_BASE_URL": live_server.url,
        "WANDB_API_KEY": live_server.api_key,
    }
    return subprocess.run(
        [sys.executable, "-m", "trackwell", "export", PROJECT, *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _expected(api: Api, run_id: str) -> pd.DataFrame:
    """The run's history as the Api reads it, with the export's column rules (numbers as float64,
    other values as text)."""
    return api.run(f"{PROJECT}/{run_id}").history(samples=None)


def test_parquet_export_equals_the_history(live_server: Any, seeded: Api, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _export(live_server, tmp_path, "--format", "parquet", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "exported 3 run(s), 120 history rows" in done.stdout
    assert done.stderr == ""  # not a terminal: no progress line
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["run_id"]) == ["run0", "run1", "run2"]
    assert runs.set_index("run_id")["config.lr"].to_dict() == pytest.approx(
        {"run0": 0.1, "run1": 0.2, "run2": 0.3}
    )
    for run_id in ("run0", "run1", "run2"):
        got = pd.read_parquet(out / "history" / f"{run_id}.parquet")
        expected = _expected(seeded, run_id)
        assert list(got["_step"]) == list(expected["_step"]) == list(range(40))
        for column in ("loss", "epoch", "_timestamp", "_runtime", "acc"):
            a, b = got[column].to_numpy(dtype=float), expected[column].to_numpy(dtype=float)
            assert ((a == b) | (pd.isna(a) & pd.isna(b))).all(), column
        notes = pq.read_table(out / "history" / f"{run_id}.parquet").column("note").to_pylist()
        assert notes[:5] == ["ok 0", None, None, None, "ok 4"]  # null where a row has no note
        assert got["img"][0] == '{"_type":"image-file","path":"media/images/0.png"}'
        assert math.isinf(got["acc"][20]) and math.isnan(got["loss"][0])


def test_csv_export_opens_with_pandas_and_defuses_formulas(
    live_server: Any, seeded: Api, tmp_path: Path
) -> None:
    out = tmp_path / "csv"
    done = _export(live_server, tmp_path, "--format", "csv", "--out", str(out), "--keys", "loss,note")
    assert done.returncode == 0, done.stderr
    history = pd.read_csv(out / "history" / "run0.csv")
    assert list(history.columns) == ["_step", "_timestamp", "_runtime", "loss", "note"]
    expected = _expected(seeded, "run0")
    assert list(history["_step"]) == list(range(40))
    assert history["loss"].tolist()[1:9] == expected["loss"].tolist()[1:9]
    assert math.isnan(history["loss"][0])
    assert history["note"][8] == '\'=HYPERLINK("http://evil")'  # text, not a formula
    runs = pd.read_csv(out / "runs.csv")
    assert runs.set_index("run_id")["config.arch"]["run1"] == "'=cmd|' /C calc'!A0"


def test_filters_pick_runs_and_bad_input_names_the_flag(
    live_server: Any, seeded: Api, tmp_path: Path
) -> None:
    out = tmp_path / "some"
    done = _export(live_server, tmp_path, "--out", str(out), "--filters", '{"config.lr": {"$gt": 0.15}}')
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "history").iterdir()) == ["run1.parquet", "run2.parquet"]
    bad = _export(live_server, tmp_path, "--out", str(out), "--filters", "{nope")
    assert bad.returncode == 1 and "--filters is not valid JSON" in bad.stderr
