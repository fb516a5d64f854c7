"""Migration 0010 keeps runs logged before key paths existed reading as they did: every dotted key
of theirs was read back nested at each dot, so that becomes its path; runs logged afterwards keep
a flat dotted key flat. On SQLite and PostgreSQL, with history written by the real store."""

from __future__ import annotations

from trackwell.store import migrations
from trackwell.store.base import HistoryRow
from trackwell.store.sql.database import SqlDatabase

RUN = 3


def _rows(db: SqlDatabase) -> list[dict[str, object]]:
    with db.read() as conn:
        rows = db.history.rows(conn, RUN, None, None, None, 100).rows
    return [{k: v for k, v in r.items() if k not in ("_timestamp", "_runtime")} for r in rows]


def test_keys_stored_before_paths_read_nested_as_before(db: SqlDatabase) -> None:
    with db.begin() as conn:  # what the server stored before: flat keys, no paths
        db.history.append(conn, RUN, [HistoryRow(0, 1.0, 0.0, {"train.loss": 0.5, "lr": 0.1, "x.y.z": "s"})])
        db.history.append(conn, RUN, [HistoryRow(0, 1.0, 0.0, {"sys.cpu": 3.0})], stream="system")
        migrations.downgrade(conn, "0009_sweeps")
    db.migrate()
    assert _rows(db) == [{"_step": 0, "lr": 0.1, "train": {"loss": 0.5}, "x": {"y": {"z": "s"}}}]
    with db.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
        system = db.history.rows(conn, RUN, None, None, None, 10, stream="system").rows
        assert [k.key for k in db.history.keys(conn, RUN).keys] == ["lr", "train.loss", "x.y.z"]
    assert system[0]["sys"] == {"cpu": 3.0}
    with db.begin() as conn:  # logged after the fix: the same name, logged flat, reads flat
        db.history.append(conn, RUN, [HistoryRow(1, 2.0, 1.0, {"train.loss": 0.25})])
    assert _rows(db)[1] == {"_step": 1, "train.loss": 0.25}
