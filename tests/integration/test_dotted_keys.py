"""Keys with dots read back as they were logged, through the real SDK, a live server and
``trackwell.Api``: ``{"a": {"b": 1}}`` nested, ``{"a.b": 1}`` as the flat key ``a.b`` (what
``run.watch`` logs: ``gradients/fc1.weight``), as wandb's public Api returns each, on every read
path (rows, ``scan_history``, ``history`` as dicts and as a DataFrame, the summary, the JSON rows
route), while the key list the UI charts names both ``a.b``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.apis import Api

HIST = {"_type": "histogram", "values": [1, 2], "bins": [0.0, 0.5, 1.0]}


@pytest.fixture
def api(tmp_path: Path, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    point_sdk_at(live_server, tmp_path, monkeypatch)
    with trackwell.Api() as client:
        yield client
    trackwell.finish()


def _logged(i: int) -> dict[str, Any]:
    """One row mixing both kinds: flat dotted keys, a nested dict with a dotted leaf, plain keys."""
    return {
        "lr.group0": 0.1 * (i + 1),
        "gradients/fc1.weight": HIST,
        "acc": {"top1": 0.5 + i / 10, "top5.strict": 0.9, "per": {"class.0": i}},
        "train/loss": 1.0 / (i + 1),
    }


def _strip(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("_timestamp", "_runtime")}


def test_both_kinds_of_key_read_back_in_their_logged_shape(api: Api, tmp_path: Path) -> None:
    run = trackwell.init(project="dots", dir=tmp_path)
    for i in range(3):
        run.log(_logged(i))
    for i in range(3, 6):
        run.log({"lr.group0": 0.1 * (i + 1), "train/loss": 1.0 / (i + 1)})  # flat scalars: the block path
    run.summary["best.acc"] = 0.95
    run.summary["best"] = {"val.top1": 0.9}
    run.finish()
    expected = [{"_step": i, **_logged(i)} for i in range(3)] + [
        {"_step": i, "lr.group0": 0.1 * (i + 1), "train/loss": 1.0 / (i + 1)} for i in range(3, 6)
    ]

    back = api.run(f"dots/{run.id}")
    assert [_strip(r) for r in back.scan_history()] == expected
    assert [_strip(r) for r in back.history(samples=None, pandas=False)] == expected
    assert [_strip(r) for r in back.history(pandas=False)] == expected  # sampled: every row of 6
    page = api.client.history_rows(back.entity, "dots", run.id)  # the JSON route the UI reads
    assert [_strip(r) for r in page.rows] == expected

    frame = back.history(samples=None)
    pd.testing.assert_frame_equal(frame, pd.DataFrame.from_records(list(back.scan_history())))
    assert "lr.group0" in frame.columns and "gradients/fc1.weight" in frame.columns
    assert frame["acc"][0] == {"top1": 0.5, "top5.strict": 0.9, "per": {"class.0": 0}}

    # Asked for by key, rows are flat by the names asked (wandb's sampled reads), both kinds alike.
    picked = list(back.scan_history(keys=["lr.group0", "acc.top5.strict"]))
    assert [_strip(r) for r in picked] == [
        {"_step": i, "lr.group0": 0.1 * (i + 1), "acc.top5.strict": 0.9} for i in range(3)
    ]
    sampled = back.history(keys=["lr.group0", "acc.top1"], pandas=False)
    assert [(r["_step"], r["lr.group0"], r["acc.top1"]) for r in sampled] == [
        (i, 0.1 * (i + 1), 0.5 + i / 10) for i in range(3)
    ]

    summary = back.summary
    assert (
        summary["lr.group0"] == pytest.approx(0.6) and summary["gradients/fc1.weight"]["_type"] == "histogram"
    )
    assert summary["acc"] == {"top1": 0.7, "top5.strict": 0.9, "per": {"class.0": 2}}
    assert summary["best.acc"] == 0.95 and summary["best"] == {"val.top1": 0.9}

    # The UI's key list names a leaf by its labels joined with "." whichever way it was logged.
    keys = {k.key for k in api.client.history_keys(back.entity, "dots", run.id).keys}
    assert {"lr.group0", "gradients/fc1.weight", "acc.top1", "acc.top5.strict", "acc.per.class.0"} <= keys


def test_a_run_of_flat_dotted_keys_reads_as_typed_columns(api: Api, tmp_path: Path) -> None:
    """What run.watch and optimizers' per-group learning rates log: no dicts, so the DataFrame has a
    float column per dotted key (not dict cells), as wandb's from_records of its rows gives."""
    run = trackwell.init(project="dots", dir=tmp_path)
    for i in range(4):
        run.log({"lr.group0": 0.01 * i, "lr.group1": 0.02 * i, "acc.top5": i / 4})
    run.finish()
    back = api.run(f"dots/{run.id}")
    frame = back.history(samples=None)
    assert {"lr.group0", "lr.group1", "acc.top5"} <= set(frame.columns)
    assert frame["acc.top5"].dtype == "float64" and frame["acc.top5"].tolist() == [0, 0.25, 0.5, 0.75]
    assert [r["lr.group1"] for r in back.scan_history()] == [0.02 * i for i in range(4)]


def test_a_key_logged_flat_after_nested_reads_in_the_last_shape(api: Api, tmp_path: Path) -> None:
    """One series per name: a run that switches shape reads every row in the shape logged last
    (and a row logging both at once keeps the nested value, with a warning in the batch's answer)."""
    run = trackwell.init(project="dots", dir=tmp_path)
    run.log({"m": {"x": 1}})
    run.log({"m.x": 2})
    run.finish()
    rows = list(api.run(f"dots/{run.id}").scan_history())
    assert [r["m.x"] for r in rows] == [1, 2] and "m" not in rows[0]


def test_one_row_logging_a_name_both_ways_keeps_the_nested_value_and_says_so(live_server: LiveServer) -> None:
    """``{"m.x": 1, "m": {"x": 2}}``: one series holds one value a row; the answer names the key."""
    with live_server.client() as http:
        url = "/api/v1/runs/me/dots/clash"
        http.put(url, json={"session_id": "s"}).raise_for_status()
        record = {"kind": "history", "seq": 0, "step": 0, "timestamp": 1.0, "runtime": 0.0}
        ack = http.post(
            url + "/records",
            json={"session_id": "s", "records": [{**record, "values": {"m.x": 1, "m": {"x": 2}}}]},
        ).json()
        (row,) = http.get(url + "/history/rows").json()["rows"]
    assert row["m"] == {"x": 2}
    assert any("'m.x'" in w and "nested value was kept" in w for w in ack["warnings"]), ack
