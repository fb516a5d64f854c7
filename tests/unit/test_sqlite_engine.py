"""SQLite engine settings that only matter on SQLite: several processes opening one data dir."""

from __future__ import annotations

import threading
from pathlib import Path

from trackwell.store.sql.database import open_database


def test_many_servers_racing_to_create_one_fresh_sqlite_database_all_succeed(tmp_path: Path) -> None:
    # Switching a fresh file to WAL needs an exclusive lock that SQLite refuses at once (the busy
    # timeout does not apply), so openers racing on a new database used to fail now and then.
    # One attempt hits the race only sometimes; sixty fresh databases hit it reliably.
    for attempt in range(60):
        url = f"sqlite:///{tmp_path / f'race-{attempt}.db'}"
        errors: list[BaseException] = []
        start = threading.Barrier(3)

        def open_one(
            url: str = url,
            errors: list[BaseException] = errors,
            start: threading.Barrier = start,
        ) -> None:
            start.wait()
            try:
                open_database(url).close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_one) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], f"attempt {attempt}: {errors!r}"


def test_stored_json_turns_nul_into_a_replacement_character_but_keeps_a_literal_backslash_u0000() -> None:
    from trackwell.store.sql.engine import dumps_json, loads_json

    assert loads_json(dumps_json({"k\x00": ["a\x00b"]})) == {"k\ufffd": ["a\ufffdb"]}
    # A user's text "\u0000" (backslash, u, digits) is no NUL: it stays as written.
    assert loads_json(dumps_json("C:\\u0000 and \\\x00")) == "C:\\u0000 and \\\ufffd"
