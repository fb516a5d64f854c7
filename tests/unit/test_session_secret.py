"""The UI's signing secret is made once per data dir, even when the first requests race for it."""

from __future__ import annotations

import threading
from pathlib import Path

from trackwell.service.ui_session import load_or_create_secret


def test_threads_racing_to_create_the_secret_all_get_the_same_one(tmp_path: Path) -> None:
    # A fresh server's first requests reach this together on its thread pool; with one temporary
    # file name per process, one thread removed another's file and a sign-in answered 500.
    for attempt in range(30):
        data_dir = tmp_path / f"d{attempt}"
        got: list[bytes] = []
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def make(
            d: Path = data_dir,
            b: threading.Barrier = start,
            out: list[bytes] = got,
            failed: list[BaseException] = errors,
        ) -> None:
            b.wait()
            try:
                out.append(load_or_create_secret(d))
            except BaseException as exc:
                failed.append(exc)

        threads = [threading.Thread(target=make) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], f"attempt {attempt}: {errors!r}"
        assert len(set(got)) == 1 and len(got[0]) == 32
        assert [p.name for p in data_dir.iterdir()] == ["session-secret"]  # no temporary file left
