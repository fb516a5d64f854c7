"""Record batches: idempotent per (session, seq), gaps refused, values stored as wandb shows them."""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.live_server import LiveServer


class Run:
    """A run created over the API with one writer session."""

    def __init__(self, api: httpx.Client, run_id: str | None = None) -> None:
        self.api = api
        self.id = run_id or uuid.uuid4().hex[:12]
        self.url = f"/api/v1/runs/me/records-test/{self.id}"
        self.session = uuid.uuid4().hex
        api.put(self.url, json={"session_id": self.session}).raise_for_status()

    def post(self, records: list[dict[str, Any]], **kwargs: Any) -> httpx.Response:
        return self.api.post(self.url + "/records", json={"session_id": self.session, "records": records})

    def get(self) -> dict[str, Any]:
        return dict(self.api.get(self.url).json())


def history(seq: int, step: int, **values: Any) -> dict[str, Any]:
    return {"kind": "history", "seq": seq, "step": step, "timestamp": 1000.0 + step, "runtime": step,
            "values": values}  # fmt: skip


def test_same_batch_twice_is_applied_once(api: httpx.Client) -> None:
    run = Run(api)
    batch = [history(0, 0, loss=1.0), history(1, 1, loss=0.5)]
    first, second = run.post(batch).json(), run.post(batch).json()
    assert first["applied_through"] == second["applied_through"] == 1
    assert run.get()["history_count"] == 2
    rows = api.get(run.url + "/history/rows").json()["rows"]
    assert [r["loss"] for r in rows] == [1.0, 0.5]


def test_overlapping_batches_apply_only_new_records(api: httpx.Client) -> None:
    run = Run(api)
    run.post([history(0, 0, x=0), history(1, 1, x=1)]).raise_for_status()
    ack = run.post([history(1, 1, x=1), history(2, 2, x=2), history(3, 3, x=3)]).json()
    assert ack["applied_through"] == 3
    steps = [r["_step"] for r in api.get(run.url + "/history/rows").json()["rows"]]
    assert steps == [0, 1, 2, 3]
    assert run.get()["last_step"] == 3


def test_a_gap_is_409_with_expected_seq_and_nothing_applied(api: httpx.Client) -> None:
    run = Run(api)
    run.post([history(0, 0, x=0)]).raise_for_status()
    response = run.post([history(5, 5, x=5), history(6, 6, x=6)])
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "sequence_gap" and error["expected_seq"] == 1
    assert run.get()["history_count"] == 1
    # resending from the expected seq succeeds
    records = [history(seq, seq, x=seq) for seq in range(1, 7)]
    assert run.post(records).json()["applied_through"] == 6


def test_non_consecutive_seqs_in_one_batch_are_refused(api: httpx.Client) -> None:
    run = Run(api)
    response = run.post([history(0, 0, x=0), history(2, 2, x=2)])
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "records.1.seq"


def test_nested_keys_are_flattened_and_renested(api: httpx.Client) -> None:
    run = Run(api)
    run.post([history(0, 0, train={"loss": 0.3, "acc": {"top1": 0.9}}, lr=0.01)]).raise_for_status()
    keys = {k["key"] for k in api.get(run.url + "/history/keys").json()["keys"]}
    assert {"train.loss", "train.acc.top1", "lr"} <= keys
    assert not keys & {"_step", "_timestamp", "_runtime"}
    series = api.get(run.url + "/history/series", params={"keys": "train.acc.top1"}).json()
    assert series["series"][0]["values"] == [0.9]
    row = api.get(run.url + "/history/rows").json()["rows"][0]
    assert row["train"] == {"loss": 0.3, "acc": {"top1": 0.9}}


def test_summary_and_config_replace_and_metrics_upsert(api: httpx.Client) -> None:
    run = Run(api)
    run.post(
        [
            {"kind": "summary", "seq": 0, "values": {"a": 1, "b": 2}},
            {"kind": "config", "seq": 1, "values": {"lr": 0.1}},
            {"kind": "metric", "seq": 2, "name": "loss", "summary": ["min"]},
            {"kind": "summary", "seq": 3, "values": {"a": 3}},
            {"kind": "config", "seq": 4, "values": {"lr": 0.2, "bs": 8}},
            {"kind": "metric", "seq": 5, "name": "loss", "summary": ["max"], "goal": "minimize"},
            {"kind": "meta", "seq": 6, "display_name": "nice", "metadata": {"host": "h"}},
            {"kind": "meta", "seq": 7, "tags": ["t"], "metadata": {"python": "3.11"}},
        ]
    ).raise_for_status()
    state = run.get()
    assert state["summary"] == {"a": 3}
    assert state["config"] == {"lr": 0.2, "bs": 8}
    assert [(m["name"], m["summary"], m["goal"]) for m in state["metric_definitions"]] == [
        ("loss", ["max"], "minimize")
    ]
    assert state["display_name"] == "nice" and state["tags"] == ["t"]
    assert state["metadata"] == {"host": "h", "python": "3.11"}


@pytest.mark.parametrize("state", ["finished", "failed", "killed"])
def test_exit_records_end_the_run(api: httpx.Client, state: str) -> None:
    run = Run(api)
    error = {"type": "ValueError", "message": "boom"} if state == "failed" else None
    exit_record = {"kind": "exit", "seq": 1, "state": state, "exit_code": 0 if state == "finished" else 1,
                   "runtime": 12.5, "error": error}  # fmt: skip
    run.post([history(0, 0, x=1), exit_record]).raise_for_status()
    ended = run.get()
    assert ended["state"] == state and ended["runtime"] == 12.5 and ended["finished_at"] is not None
    assert ended["exit_code"] == exit_record["exit_code"]
    assert ended["error"] == ({**error, "traceback": None} if error else None)


def test_empty_batch_is_a_heartbeat(api: httpx.Client) -> None:
    run = Run(api)
    before = run.get()["heartbeat_at"]
    ack = run.post([]).json()
    assert ack["applied_through"] == -1
    assert run.get()["heartbeat_at"] >= before


def test_out_of_order_steps_are_kept_with_a_warning(api: httpx.Client) -> None:
    run = Run(api)
    ack = run.post([history(0, 5, x=5), history(1, 3, x=3)]).json()
    assert any("step 3" in w for w in ack["warnings"])
    assert run.get()["last_step"] == 5 and run.get()["history_count"] == 2


def test_gzip_body_with_nan_and_infinity_round_trips_through_series(api: httpx.Client) -> None:
    run = Run(api)
    records = [history(0, 0, v=float("nan")), history(1, 1, v=float("inf")), history(2, 2, v=float("-inf")),
               history(3, 3, v=1.5)]  # fmt: skip
    body = gzip.compress(json.dumps({"session_id": run.session, "records": records}).encode())
    assert b"NaN" in gzip.decompress(body)  # Python writes bare NaN/Infinity tokens
    response = api.post(
        run.url + "/records",
        content=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    series = api.get(run.url + "/history/series", params={"keys": "v", "samples": 0}).json()
    assert series["series"][0]["values"] == ["NaN", "Infinity", "-Infinity", 1.5]
    assert series["series"][0]["steps"] == [0, 1, 2, 3]


def test_corrupt_gzip_and_bad_json_are_400(api: httpx.Client) -> None:
    run = Run(api)
    bad_gzip = api.post(run.url + "/records", content=b"not gzip", headers={"Content-Encoding": "gzip"})
    assert bad_gzip.status_code == 400 and bad_gzip.json()["error"]["field"] == "Content-Encoding"
    bad_json = api.post(run.url + "/records", content=b"{nope")
    assert bad_json.status_code == 400 and bad_json.json()["error"]["field"] == "body"
    bad_record = run.post([{"kind": "history", "seq": 0, "step": "soon"}])
    assert bad_record.status_code == 400 and "step" in bad_record.json()["error"]["field"]


def test_oversized_batches_are_413_naming_the_limit(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data", extra_args=["--max-batch-bytes", "4000"]).start()
    try:
        with live.client() as client:
            run = Run(client)
            plain = run.post([history(i, i, text="x" * 100) for i in range(40)])
            assert plain.status_code == 413
            assert "limit of 4000 bytes" in plain.json()["error"]["message"]
            # a small gzip body that inflates past the limit (a "gzip bomb") is cut off as well
            bomb = gzip.compress(b"[" + b" " * 3_000_000 + b"]", compresslevel=9)
            assert len(bomb) < 4000
            headers = {"Content-Encoding": "gzip"}
            response = client.post(run.url + "/records", content=bomb, headers=headers)
            assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    finally:
        live.stop()


def test_file_record_for_content_never_uploaded_is_refused(api: httpx.Client) -> None:
    run = Run(api)
    response = run.post([{"kind": "file", "seq": 0, "path": "model.bin", "sha256": "0" * 64, "size": 3}])
    assert response.status_code == 400
    assert "upload the bytes first" in response.json()["error"]["hint"]


def test_batches_for_a_missing_run_are_404(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/runs/me/records-test/nobody/records", json={"session_id": "s", "records": []}
    )
    assert response.status_code == 404


def test_system_stats_go_to_the_system_stream(api: httpx.Client) -> None:
    run = Run(api)
    stats = {"kind": "stats", "seq": 0, "timestamp": 1700000000.0, "runtime": 3.0,
             "values": {"system/cpu_percent": 12.5}}  # fmt: skip
    run.post([stats]).raise_for_status()
    keys = api.get(run.url + "/history/keys", params={"stream": "system"}).json()["keys"]
    assert [k["key"] for k in keys] == ["system/cpu_percent"]
    assert api.get(run.url + "/history/keys").json()["keys"] == []
