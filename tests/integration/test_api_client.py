"""ApiClient against a real server subprocess: auth, run upsert, record batches, files, errors.

``seed_run`` is imported by the other Api/CLI tests: it writes a run through the HTTP API the way
the SDK's uploader does, so those tests do not depend on the SDK core.
"""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, SequenceGap, Unauthorized
from trackwell.schema.records import (
    ConfigRecord,
    ExitRecord,
    HistoryRecord,
    RecordBatch,
    SummaryRecord,
)
from trackwell.schema.runs import RunUpdate
from trackwell.sdk.api_client import ApiClient, TransportError
from trackwell.sdk.wire import RunStart

pytestmark = pytest.mark.usefixtures("live_server")


def seed_run(
    client: ApiClient,
    entity: str,
    project: str,
    run_id: str,
    *,
    config: dict[str, Any] | None = None,
    rows: list[dict[str, Any]] | None = None,
    summary: dict[str, Any] | None = None,
    finish: bool = True,
    display_name: str | None = None,
    tags: list[str] | None = None,
) -> None:
    """Create a run and send its records like the uploader would (one batch)."""
    session = uuid.uuid4().hex
    client.upsert_run(
        entity,
        project,
        run_id,
        RunStart(session_id=session, resume="allow", config=config, display_name=display_name, tags=tags),
    )
    records: list[Any] = []
    seq = 0
    if config is not None:
        records.append(ConfigRecord(seq=seq, values=config))
        seq += 1
    for step, values in enumerate(rows or []):
        records.append(HistoryRecord(seq=seq, step=step, timestamp=1e9 + step, runtime=step, values=values))
        seq += 1
    if summary is not None:
        records.append(SummaryRecord(seq=seq, values=summary))
        seq += 1
    if finish:
        records.append(ExitRecord(seq=seq, state="finished", exit_code=0, runtime=len(rows or [])))
    batch = RecordBatch(session_id=session, records=records)
    client.post_records(entity, project, run_id, batch.model_dump_json().encode())


@pytest.fixture
def client(live_server: Any) -> Any:
    with ApiClient(live_server.url, live_server.api_key, timeout=10) as c:
        yield c


def test_viewer_and_server_info(client: ApiClient) -> None:
    viewer = client.viewer()
    assert viewer.username and viewer.entity
    assert client.server_info().version
    assert client.healthz()


def test_wrong_key_is_refused_with_advice_and_without_the_key(live_server: Any) -> None:
    secret = "wrong-" + "z" * 40
    with ApiClient(live_server.url, secret) as bad, pytest.raises(Unauthorized) as info:
        bad.viewer()
    text = str(info.value)
    assert secret not in text
    assert "trackwell login" in text and "WANDB_API_KEY" in text


def test_run_lifecycle_records_and_nan(client: ApiClient) -> None:
    entity = client.viewer().entity
    rows = [{"loss": 1.0 / (i + 1), "acc": i * 0.1} for i in range(50)]
    rows[3]["loss"] = math.nan
    seed_run(client, entity, "p-client", "run1", config={"lr": 0.1}, rows=rows, summary={"best": 0.9})
    out = client.get_run(entity, "p-client", "run1")
    assert out.state == "finished"
    assert out.config["lr"] == 0.1 or out.config["lr"] == {"value": 0.1}
    assert out.summary["best"] == 0.9
    assert out.last_step == 49
    keys = {k.key for k in client.history_keys(entity, "p-client", "run1").keys}
    assert {"loss", "acc"} <= keys
    series = client.history_series(entity, "p-client", "run1", ["loss"], samples=0)
    assert series.series[0].steps == list(range(50))
    assert series.series[0].values[3] == "NaN"
    page = client.history_rows(entity, "p-client", "run1", ["loss"], limit=10)
    assert len(page.rows) == 10 and page.next_min_step == 10


def test_large_batch_is_gzipped_and_accepted(live_server: Any) -> None:
    # Batches are gzipped for remote servers; a loopback client skips it (pure CPU there), so this
    # test asks for compression explicitly.
    assert ApiClient(live_server.url, None).compress is False
    assert ApiClient("https://trackwell.example.com", None).compress is True
    with ApiClient(live_server.url, live_server.api_key, compress=True) as client:
        entity = client.viewer().entity
        rows = [{"x": float(i), "text": "y" * 200} for i in range(200)]  # well over 1 KiB
        seed_run(client, entity, "p-client", "big", rows=rows)
        assert client.get_run(entity, "p-client", "big").history_count == 200


def test_sequence_gap_carries_expected_seq(client: ApiClient) -> None:
    entity = client.viewer().entity
    session = uuid.uuid4().hex
    client.upsert_run(entity, "p-client", "gap", RunStart(session_id=session))
    batch = RecordBatch(session_id=session, records=[SummaryRecord(seq=5, values={"a": 1})])
    with pytest.raises(SequenceGap) as info:
        client.post_records(entity, "p-client", "gap", batch.model_dump_json().encode())
    assert info.value.expected_seq == 0
    with pytest.raises(Conflict):  # resume="never" on an existing run
        client.upsert_run(entity, "p-client", "gap", RunStart(session_id="other"))


def test_files_roundtrip(client: ApiClient, tmp_path: Path) -> None:
    entity = client.viewer().entity
    seed_run(client, entity, "p-client", "files")
    client.put_file(entity, "p-client", "files", "media/a b.txt", b"hello")
    source = tmp_path / "big.bin"
    source.write_bytes(bytes(range(256)) * 4096)
    with source.open("rb") as f:
        info = client.put_file(entity, "p-client", "files", "model/big.bin", f)
    assert info.size == 256 * 4096
    names = {f.path for f in client.list_files(entity, "p-client", "files").files}
    assert {"media/a b.txt", "model/big.bin"} <= names
    dest = client.download_file(entity, "p-client", "files", "model/big.bin", tmp_path / "out" / "big.bin")
    assert dest.read_bytes() == source.read_bytes()
    assert client.read_file(entity, "p-client", "files", "media/a b.txt") == b"hello"
    with pytest.raises((InvalidArgument, NotFound)):
        client.put_file(entity, "p-client", "files", "../escape.txt", b"x")


def test_update_and_query_runs(client: ApiClient) -> None:
    entity = client.viewer().entity
    for i in range(3):
        seed_run(client, entity, "p-query", f"q{i}", config={"lr": 0.01 * (i + 1)}, summary={"acc": i})
    client.update_run(entity, "p-query", "q1", RunUpdate(tags=["best"], notes="note"))
    assert client.get_run(entity, "p-query", "q1").tags == ["best"]
    listed = client.query_runs(entity, "p-query", {"tags": {"$in": ["best"]}})
    assert [r.id for r in listed.runs] == ["q1"]
    page = client.query_runs(entity, "p-query", None, "-created_at", limit=2, offset=0)
    assert page.total == 3 and len(page.runs) == 2
    projects = {p.name for p in client.list_projects(entity).projects}
    assert "p-query" in projects
    with pytest.raises(NotFound):
        client.get_run(entity, "p-query", "nope")
    body = json.dumps({"session_id": "s", "records": [{"kind": "bogus", "seq": 0}]}).encode()
    with pytest.raises(InvalidArgument):
        client.post_records(entity, "p-query", "q0", body)


def test_unreachable_server_is_a_transport_error() -> None:
    with ApiClient("http://127.0.0.1:9", "k", timeout=2) as c, pytest.raises(TransportError) as info:
        c.viewer()
    assert info.value.retryable


def test_client_survives_a_server_restart(live_server: Any, client: ApiClient, tmp_path: Path) -> None:
    entity = client.viewer().entity
    seed_run(client, entity, "p-client", "restart")
    live_server.restart()  # the kept-alive connection is now dead
    assert client.viewer().entity == entity
    data = tmp_path / "f.bin"
    data.write_bytes(b"abc" * 1000)
    live_server.restart()
    with data.open("rb") as f:  # a streamed body is rewound for the second try
        assert client.put_file(entity, "p-client", "restart", "f.bin", f).size == 3000
