"""Table queries over HTTP against a live server, on a Table logged by the real SDK (a subprocess):
rows sorted, filtered and paged; groups; column stats; CSV export; errors naming the field."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.live_server import LiveServer

N = 2000
LABELS = ["cat", "dog", "bird", "fish"]

# Cells of the last column: CSV-injection payloads (and a number written as text) for the export.
CELLS = {3: "-1+1+cmd|' /C calc'!A0", 4: "-.5+A1", 5: "=cmd", 6: "\t=1+1", 8: "-1.5", 9: "@SUM(1)"}

SCRIPT = f"""
import trackwell as wandb
run = wandb.init(project="tables-it", id="tbl1")
table = wandb.Table(columns=["id", "confidence", "actual_label", "predicted_label", "ok", 'say "hi"'])
for i in range({N}):
    actual = {LABELS!r}[i % 4]
    predicted = {LABELS!r}[(i // 3) % 4]
    conf = None if i % 100 == 7 else round((i * 37 % 1000) / 1000, 3)
    table.add_data(i, conf, actual, predicted, i % 2 == 0, {CELLS!r}.get(i, f"t{{i}}"))
run.log({{"preds": table}})
run.finish()
"""


def expected_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "confidence": None if i % 100 == 7 else round((i * 37 % 1000) / 1000, 3),
            "actual_label": LABELS[i % 4],
            "predicted_label": LABELS[(i // 3) % 4],
            "ok": i % 2 == 0,
        }
        for i in range(N)
    ]


@pytest.fixture(scope="module")
def table_url(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    work = tmp_path_factory.mktemp("sdk")
    env = server.sdk_env(work / "config")
    script = work / "log_table.py"
    script.write_text(SCRIPT)
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    with server.client() as api:
        viewer = api.get("/api/v1/viewer").json()
        run_url = f"/api/v1/runs/{viewer['entity']}/tables-it/tbl1"
        rows = api.get(run_url + "/history/rows").json()["rows"]
    ref = rows[0]["preds"]
    assert ref["_type"] == "table-file" and ref["nrows"] == N
    return run_url + "/tables", ref["path"]


def get(api: httpx.Client, table_url: tuple[str, str], what: str, **params: Any) -> httpx.Response:
    url, path = table_url
    return api.get(f"{url}/{what}", params={"path": path, **params})


def test_the_columnar_copy_is_built_when_the_table_is_uploaded(
    server: LiveServer, table_url: tuple[str, str]
) -> None:
    # Before anyone queries it (this test runs first): the first person to open a 100,000-row
    # table must not wait ~0.5 s for its copy to be built.
    cache = Path(server.data_dir, "cache", "tables")
    deadline = time.monotonic() + 15
    while not list(cache.rglob("*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(list(cache.rglob("*.parquet"))) == 1
    assert len(list(cache.rglob("*.meta.json"))) == 1


def test_first_page_in_file_order(api: httpx.Client, table_url: tuple[str, str]) -> None:
    body = get(api, table_url, "rows", limit=3).json()
    assert [c["name"] for c in body["columns"]] == [
        "id", "confidence", "actual_label", "predicted_label", "ok", 'say "hi"',
    ]  # fmt: skip
    assert [c["kind"] for c in body["columns"]] == [
        "number",
        "number",
        "string",
        "string",
        "boolean",
        "string",
    ]
    assert body["total_rows"] == body["matched_rows"] == N
    assert body["row_index"] == [0, 1, 2]
    assert body["rows"][0] == [0, 0.0, "cat", "cat", True, "t0"]


def test_sort_desc_with_empty_cells_last_and_paging(api: httpx.Client, table_url: tuple[str, str]) -> None:
    want = sorted(expected_rows(), key=lambda r: (r["confidence"] is None, -(r["confidence"] or 0), r["id"]))
    got: list[int] = []
    for offset in range(0, N, 700):
        page = get(api, table_url, "rows", sort="-confidence", offset=offset, limit=700).json()
        assert page["offset"] == offset
        got += [r[0] for r in page["rows"]]
    assert got == [r["id"] for r in want]
    assert got[-1] == max(r["id"] for r in want if r["confidence"] is None)


def test_sort_by_two_columns(api: httpx.Client, table_url: tuple[str, str]) -> None:
    page = get(api, table_url, "rows", sort=["actual_label", "-id"], limit=N).json()
    want = sorted(expected_rows(), key=lambda r: (r["actual_label"], -r["id"]))
    assert page["row_index"] == [r["id"] for r in want]


def test_filter_the_viewer_expression(api: httpx.Client, table_url: tuple[str, str]) -> None:
    expr = 'row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]'
    page = get(api, table_url, "rows", filter=expr, sort="id", limit=N).json()
    want = [
        r["id"]
        for r in expected_rows()
        if r["confidence"] is not None and r["confidence"] < 0.5 and r["actual_label"] != r["predicted_label"]
    ]
    assert page["matched_rows"] == len(want) and page["row_index"] == want
    assert page["total_rows"] == N


@pytest.mark.parametrize(
    ("expr", "predicate"),
    [
        ('row["confidence"] == null', lambda r: r["confidence"] is None),
        ('not row["ok"] and "i" in row["actual_label"]', lambda r: not r["ok"] and "i" in r["actual_label"]),
        (
            'row["id"] >= 1990 or row["actual_label"] not in "cat dog"',
            lambda r: r["id"] >= 1990 or r["actual_label"] in ("bird", "fish"),
        ),
        ('row["say \\"hi\\""] == "=cmd"', lambda r: r["id"] == 5),
    ],
)
def test_filters_match_python(
    api: httpx.Client, table_url: tuple[str, str], expr: str, predicate: Any
) -> None:
    page = get(api, table_url, "rows", filter=expr, limit=N).json()
    assert page["row_index"] == [r["id"] for r in expected_rows() if predicate(r)]


def test_group_by_counts_and_aggregates(api: httpx.Client, table_url: tuple[str, str]) -> None:
    body = get(api, table_url, "groups", by="predicted_label", filter='row["ok"] == true').json()
    rows = [r for r in expected_rows() if r["ok"]]
    assert body["matched_rows"] == len(rows) and body["total_groups"] == 4
    for group in body["groups"]:
        members = [r for r in rows if r["predicted_label"] == group["key"]]
        confs = [r["confidence"] for r in members if r["confidence"] is not None]
        assert group["count"] == len(members)
        agg = group["aggregates"]["confidence"]
        assert agg["min"] == min(confs) and agg["max"] == max(confs)
        assert agg["mean"] == pytest.approx(sum(confs) / len(confs))
        assert "predicted_label" not in group["aggregates"]
    counts = [g["count"] for g in body["groups"]]
    assert counts == sorted(counts, reverse=True)


def test_column_stats(api: httpx.Client, table_url: tuple[str, str]) -> None:
    body = get(api, table_url, "stats", columns=["confidence", "actual_label"], bins=10).json()
    conf, label = body["columns"]
    values = [r["confidence"] for r in expected_rows() if r["confidence"] is not None]
    assert conf["kind"] == "number" and conf["count"] == len(values) and conf["nulls"] == N - len(values)
    assert conf["min"] == min(values) and conf["max"] == max(values)
    assert sum(conf["histogram"]["counts"]) == len(values) and len(conf["histogram"]["edges"]) == 11
    assert label["distinct"] == 4 and {t["value"]: t["count"] for t in label["top"]} == dict.fromkeys(
        LABELS, N // 4
    )


def test_csv_export_is_filtered_sorted_and_defused(api: httpx.Client, table_url: tuple[str, str]) -> None:
    response = get(api, table_url, "csv", filter='row["id"] < 10', sort="-id")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0] == ["id", "confidence", "actual_label", "predicted_label", "ok", 'say "hi"']
    assert [line[0] for line in lines[1:]] == [str(i) for i in range(9, -1, -1)]
    five = lines[1 + 4]
    assert five[5] == "'=cmd" and five[4] == "false"  # a formula is never live in a spreadsheet
    by_id = {int(line[0]): line[5] for line in lines[1:]}
    assert by_id == {
        **{i: f"t{i}" for i in range(10)},
        3: "'-1+1+cmd|' /C calc'!A0",
        4: "'-.5+A1",
        5: "'=cmd",
        6: "'\t=1+1",
        8: "-1.5",  # a number stays a number
        9: "'@SUM(1)",
    }
    assert lines[1 + 2][1] == ""  # id 7: empty confidence


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"filter": 'row["confidence"] <'}, "filter", "expected a value"),
        ({"filter": 'row["nope"] == 1'}, "filter", 'unknown column "nope"'),
        ({"filter": 'row["id"]; DROP TABLE runs'}, "filter", 'unexpected character ";" at 10'),
        ({"filter": '__import__("os")'}, "filter", "function calls are not allowed"),
        ({"filter": 'row["id"] = 1'}, "filter", "compare with =="),
        ({"sort": "-nope"}, "sort", "no such column"),
        ({"limit": 100000}, "limit", "out of range"),
        ({"sort": ["id"] * 17}, "sort", "17 sort keys given"),
    ],
)
def test_bad_requests_name_the_field(
    api: httpx.Client, table_url: tuple[str, str], params: dict[str, Any], field: str, words: str
) -> None:
    response = get(api, table_url, "rows", **params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field and words in error["message"], error


def test_group_by_unknown_column_and_missing_file(api: httpx.Client, table_url: tuple[str, str]) -> None:
    response = get(api, table_url, "groups", by="nope")
    assert response.status_code == 400 and response.json()["error"]["field"] == "by"
    url, _ = table_url
    missing = api.get(url + "/rows", params={"path": "media/table/none.table.json"})
    assert missing.status_code == 404


def test_columnar_copy_is_rebuilt_when_corrupt(
    server: LiveServer, api: httpx.Client, table_url: tuple[str, str]
) -> None:
    before = get(api, table_url, "rows", sort="-id", limit=5).json()
    copies = list(Path(server.data_dir, "cache", "tables").rglob("*.parquet"))
    assert [p.name.removesuffix(".parquet") for p in copies] == [before["sha256"]]
    copies[0].write_bytes(b"not parquet")
    after = get(api, table_url, "rows", sort="-id", limit=5).json()
    assert after["rows"] == before["rows"]
    assert copies[0].read_bytes()[:4] == b"PAR1"  # rebuilt in place
