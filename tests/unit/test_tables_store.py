"""The content-addressed cache of columnar copies: made once, shared by processes (several stores
on one folder), and made again when a copy or its meta file is missing or damaged."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.store.tables.base import TableQuery
from trackwell.store.tables.duckdb_store import DuckDBTableStore

RAW = json.dumps({"columns": ["id", "name"], "data": [[i, f"n{i}"] for i in range(500)]}).encode()
SHA = hashlib.sha256(RAW).hexdigest()


class CountingLoad:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Iterator[bytes]:
        self.calls += 1
        return iter([RAW[:100], RAW[100:]])  # chunks, as the blob store gives them


def test_a_copy_is_made_once_and_reused_by_another_store(tmp_path: Path) -> None:
    load = CountingLoad()
    first = DuckDBTableStore(tmp_path).open(SHA, load)
    assert first.nrows == 500 and load.calls == 1
    parquet, meta = DuckDBTableStore(tmp_path).paths(SHA)
    assert parquet.is_file() and meta.is_file() and parquet.parent.name == SHA[:2]
    again = DuckDBTableStore(tmp_path).open(SHA, load)  # a second process
    assert load.calls == 1 and again.rows(TableQuery(), 499, 5).rows == [[499, "n499"]]


@pytest.mark.parametrize("damage", ["parquet-garbage", "parquet-gone", "meta-garbage", "meta-gone"])
def test_a_damaged_copy_is_made_again(tmp_path: Path, damage: str) -> None:
    store = DuckDBTableStore(tmp_path)
    load = CountingLoad()
    store.open(SHA, load)
    parquet, meta = store.paths(SHA)
    target = parquet if damage.startswith("parquet") else meta
    if damage.endswith("garbage"):
        target.write_bytes(b"\x00garbage")
    else:
        target.unlink()
    fresh = DuckDBTableStore(tmp_path)  # a restarted server: nothing memoized
    table = fresh.open(SHA, load)
    assert load.calls == 2 and table.rows(TableQuery(), 0, 2).rows == [[0, "n0"], [1, "n1"]]
    assert parquet.read_bytes()[:4] == b"PAR1"


def test_a_running_store_notices_its_copy_changed(tmp_path: Path) -> None:
    store = DuckDBTableStore(tmp_path)
    load = CountingLoad()
    store.open(SHA, load)
    parquet, _ = store.paths(SHA)
    parquet.write_bytes(b"not parquet at all")
    os.utime(parquet, ns=(1, 1))
    assert store.open(SHA, load).rows(TableQuery(), 0, 1).rows == [[0, "n0"]]
    assert load.calls == 2


def test_concurrent_builders_agree(tmp_path: Path) -> None:
    results: list[list[list[object]]] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            table = DuckDBTableStore(tmp_path).open(SHA, CountingLoad())
            results.append(table.rows(TableQuery(), 0, 3).rows)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=build) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [[[0, "n0"], [1, "n1"], [2, "n2"]]] * 6
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary files left behind


def test_only_sha256_names_reach_the_file_system(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument):
        DuckDBTableStore(tmp_path).paths("../../etc/passwd")
