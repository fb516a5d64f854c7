"""The columnar history read (Arrow pages) against the JSON rows it replaces, on a real server over
SQLite and PostgreSQL: ``scan_history()``, ``history(samples=None)`` and the route itself must give
exactly the rows the JSON path gives, on a run with gaps, NaN, infinities, strings, nested values,
sparse keys, keys in some rows only, ints beside floats, and pages cut mid-run.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pyarrow as pa
import pytest

from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.apis import Api, frames
from trackwell.apis.values import decode_row
from trackwell.schema.records import ExitRecord, HistoryRecord, RecordBatch
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.settings import Settings
from trackwell.sdk.wire import RunStart

PROJECT = "arrow"
RUN = "mixed"


def _values(step: int) -> dict[str, Any]:
    values: dict[str, Any] = {"loss": 1.0 / (step + 1)}
    if step % 7 == 0:
        values["loss"] = math.nan
    if step % 11 == 0:
        values["acc"] = math.inf if step % 2 else -math.inf
    if step % 5 == 0:
        values["epoch"] = step // 5  # an int key present in some rows only
    if step % 13 == 0:
        values["note"] = f"step {step}"
    if step % 17 == 0:
        values["img"] = {"_type": "image-file", "path": f"media/images/{step}.png", "width": 2}
    if step % 19 == 0:
        values["nested"] = {"a": step, "b": {"c": "deep"}}
    if step % 23 == 0:
        values["flag"] = step % 2 == 0
    if step % 29 == 0:
        values["maybe"] = None
    if step % 31 == 0:
        values["big"] = 2**70
        values["vec"] = [1, math.nan, "x"]
    if step == 41:
        values["rare"] = 1.5  # one row only
    return values


def _seed(client: ApiClient, entity: str) -> list[int]:
    """Steps with gaps, in batches; ``mixed`` is ints in one batch and floats in the next."""
    session = uuid.uuid4().hex
    client.upsert_run(entity, PROJECT, RUN, RunStart(session_id=session, resume="allow"))
    steps = [s for s in range(0, 12_000) if s % 9 != 4] + list(range(20_000, 20_050))
    seq = 0
    for start in range(0, len(steps), 3_000):
        records: list[Any] = []
        for step in steps[start : start + 3_000]:
            values = _values(step)
            values["mixed"] = step if start % 6_000 == 0 else step + 0.5
            records.append(
                HistoryRecord(seq=seq, step=step, timestamp=1e9 + step / 3, runtime=step / 3, values=values)
            )
            seq += 1
        body = RecordBatch(session_id=session, records=records).model_dump_json().encode()
        client.post_records(entity, PROJECT, RUN, body)
    done = RecordBatch(
        session_id=session, records=[ExitRecord(seq=seq, state="finished", exit_code=0, runtime=1)]
    )
    client.post_records(entity, PROJECT, RUN, done.model_dump_json().encode())
    return steps


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path_factory.mktemp(f"arrow-{request.param}") / "data") as live:
        yield live


@pytest.fixture(scope="module")
def seeded(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, list[int]]]:
    home = tmp_path_factory.mktemp("home")
    settings = Settings.resolve({"HOME": str(home)}, base_url=server.url, api_key=server.api_key)
    with Api(settings=settings) as api:
        yield api, _seed(api.client, api.default_entity)


def _json_rows(api: Api, **query: Any) -> list[dict[str, Any]]:
    """The old path: every page of ``GET .../history/rows``, decoded as the Api decodes JSON."""
    rows: list[dict[str, Any]] = []
    cursor = query.pop("min_step", None)
    while True:
        page = api.client.history_rows(
            api.default_entity, PROJECT, RUN, min_step=cursor, limit=10_000, **query
        )
        rows += [decode_row(r) for r in page.rows]
        if page.next_min_step is None:
            return rows
        cursor = page.next_min_step


def _same(value: Any) -> Any:
    """A comparable form: NaN equal to NaN, and ints kept apart from floats (1 vs 1.0)."""
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value)
    if isinstance(value, dict):
        return ("dict", sorted((k, _same(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", [_same(v) for v in value])
    return (type(value).__name__, value)


def test_scan_history_equals_the_json_rows_row_by_row(seeded: tuple[Api, list[int]]) -> None:
    api, steps = seeded
    expected = _json_rows(api)
    got = list(api.run(f"{PROJECT}/{RUN}").scan_history())
    assert [r["_step"] for r in got] == steps  # gaps kept, nothing lost
    assert len(got) == len(expected)
    for new, old in zip(got, expected, strict=True):
        assert _same(new) == _same(old), (new, old)
    row0 = got[0]
    assert math.isnan(row0["loss"]) and row0["acc"] == -math.inf and isinstance(row0["epoch"], int)
    assert row0["nested"] == {"a": 0, "b": {"c": "deep"}} and row0["maybe"] is None
    assert row0["big"] == 2**70 and math.isnan(row0["vec"][1])
    assert "rare" not in got[1] and got[[r["_step"] for r in got].index(41)]["rare"] == 1.5


def test_pages_cut_anywhere_give_the_same_rows(seeded: tuple[Api, list[int]]) -> None:
    api, steps = seeded
    path = (api.default_entity, PROJECT, RUN)
    for page_rows, lo, hi in ((3, 100, 160), (997, 100, 9_000), (8_192, None, None)):
        got = list(frames.scan(api.client, path, None, min_step=lo, max_step=hi, page_rows=page_rows))
        assert [r["_step"] for r in got] == [s for s in steps if (lo or 0) <= s <= (hi or s)]
        expected = _json_rows(api, min_step=lo, max_step=hi)
        assert [_same(r) for r in got] == [_same(r) for r in expected]


def test_keys_pick_rows_holding_every_key_as_wandb_does(seeded: tuple[Api, list[int]]) -> None:
    api, _ = seeded
    run = api.run(f"{PROJECT}/{RUN}")
    keys = ["epoch", "note", "nested.a"]
    expected = []
    for row in _json_rows(api, keys=keys):
        picked = {
            "epoch": row.get("epoch"),
            "note": row.get("note"),
            "nested.a": row.get("nested.a"),  # rows picked by key are flat by the names asked
        }
        if all(v is not None for v in picked.values()):
            expected.append({"_step": row["_step"], **picked})
    got = list(run.scan_history(keys=keys))
    assert got == expected and len(got) > 5
    # A value logged as None does not count as holding the key (wandb's rule).
    assert list(run.scan_history(keys=["maybe"])) == []
    assert list(run.scan_history(keys=["never-logged"])) == []


def test_max_step_is_exclusive_as_in_wandb(seeded: tuple[Api, list[int]]) -> None:
    api, _ = seeded
    run = api.run(f"{PROJECT}/{RUN}")
    assert [r["_step"] for r in run.scan_history(keys=["loss"], min_step=10, max_step=14)] == [10, 11, 12]
    assert [r["_step"] for r in run.scan_history(min_step=20_048)] == [20_048, 20_049]


def test_history_full_resolution_frame_equals_frame_of_json_rows(seeded: tuple[Api, list[int]]) -> None:
    api, steps = seeded
    run = api.run(f"{PROJECT}/{RUN}")
    flat = ["_step", "_timestamp", "_runtime", "loss", "acc", "epoch", "note", "flag", "big", "mixed"]
    got = run.history(samples=None, keys=["loss"])
    rows = [{"_step": r["_step"], "loss": r["loss"]} for r in _json_rows(api)]
    pd.testing.assert_frame_equal(got, pd.DataFrame.from_records(rows))
    whole = run.history(samples=None)
    expected = pd.DataFrame.from_records(_json_rows(api))
    assert len(whole) == len(steps)
    # nested values make the frame's cells dicts, as DataFrame.from_records makes them
    assert set(whole.columns) == set(expected.columns)
    pd.testing.assert_frame_equal(whole[flat], expected[flat])
    assert whole["epoch"].dtype == expected["epoch"].dtype == "float64"  # ints with gaps, as pandas does
    listed = run.history(samples=None, pandas=False)
    assert [_same(r) for r in listed] == [_same(r) for r in _json_rows(api)]


def test_flat_run_frame_has_typed_columns(server: LiveServer, tmp_path: Path) -> None:
    settings = Settings.resolve({"HOME": str(tmp_path)}, base_url=server.url, api_key=server.api_key)
    with Api(settings=settings) as api:
        session = uuid.uuid4().hex
        entity = api.default_entity
        api.client.upsert_run(entity, PROJECT, "flat", RunStart(session_id=session, resume="allow"))
        records = [
            HistoryRecord(
                seq=i, step=i, timestamp=1e9 + i, runtime=i, values={"x": i * 0.5, "n": i, "s": str(i)}
            )
            for i in range(50)
        ]
        body = RecordBatch(session_id=session, records=records).model_dump_json().encode()
        api.client.post_records(entity, PROJECT, "flat", body)
        got = api.run(f"{PROJECT}/flat").history(samples=None)
        expected = pd.DataFrame.from_records(
            [
                {"_step": i, "_timestamp": 1e9 + i, "_runtime": float(i), "x": i * 0.5, "n": i, "s": str(i)}
                for i in range(50)
            ]
        )
        pd.testing.assert_frame_equal(got, expected, check_like=True)
        assert got["n"].dtype == "int64" and got["s"].dtype == expected["s"].dtype  # as pandas types them
        # The route is a plain Arrow IPC stream any Arrow reader opens.
        raw = api.client.history_arrow(entity, PROJECT, "flat", ["x"])
        table = pa.ipc.open_stream(raw).read_all()
        assert table.column_names == ["_step", "_timestamp", "_runtime", "x"]
        assert table.column("x").to_pylist() == [i * 0.5 for i in range(50)]


def test_bad_requests_name_the_field(seeded: tuple[Api, list[int]], server: LiveServer) -> None:
    api, _ = seeded
    url = f"{server.url}/api/v1/runs/{api.default_entity}/{PROJECT}/{RUN}/history/arrow"
    headers = {"Authorization": f"Bearer {server.api_key}"}
    too_many = httpx.get(url, params={"limit": 2_000_000}, headers=headers)
    assert too_many.status_code == 400 and "limit" in too_many.text and "next_min_step" in too_many.text
    bad_stream = httpx.get(url, params={"stream": "events"}, headers=headers)
    assert bad_stream.status_code in (400, 422) and "stream" in bad_stream.text
    missing = httpx.get(url.replace(f"/{RUN}/", "/no-such-run/"), headers=headers)
    assert missing.status_code == 404
    assert httpx.get(url).status_code == 401  # the key is required, as for every read


def test_sampled_history_without_keys_picks_evenly_spaced_rows(seeded: tuple[Api, list[int]]) -> None:
    api, steps = seeded
    run = api.run(f"{PROJECT}/{RUN}")
    every = _json_rows(api)
    got = run.history(samples=7, pandas=False)
    last = len(every) - 1
    expected = [every[round(i * last / 6)] for i in range(7)]  # first and last included
    assert [_same(r) for r in got] == [_same(r) for r in expected]
    assert got[0]["_step"] == steps[0] and got[-1]["_step"] == steps[-1]
