"""The upload index of the wandb client's artifact files (store/base/wandb_uploads.py) on every SQL
backend: per project, a re-upload replaces, lookups by name and by blob."""

from __future__ import annotations

from trackwell.store.base.wandb_uploads import WandbUpload
from trackwell.store.sql.database import SqlDatabase

SHA_A, SHA_B = "a" * 64, "b" * 64


def test_uploads_are_kept_per_project_and_found_by_name_and_by_blob(db: SqlDatabase) -> None:
    index = db.wandb_uploads
    with db.begin() as conn:
        index.put_upload(conn, "team", "p1", WandbUpload("md5:AAAA", SHA_A, 5), 1.0)
        index.put_upload(conn, "team", "p1", WandbUpload("manifest:client-1", SHA_B, 9), 1.0)
        index.put_upload(conn, "team", "p2", WandbUpload("md5:BBBB", SHA_B, 9), 1.0)
    with db.read() as conn:
        found = index.uploads(conn, "team", "p1", ["md5:AAAA", "md5:BBBB", "manifest:client-1"])
        assert found == {
            "md5:AAAA": WandbUpload("md5:AAAA", SHA_A, 5),
            "manifest:client-1": WandbUpload("manifest:client-1", SHA_B, 9),
        }  # md5:BBBB is p2's: another project never sees it
        assert index.names_of(conn, "team", "p1", [SHA_A, SHA_B], "md5:") == {SHA_A: "md5:AAAA"}
        assert index.uploads(conn, "other", "p1", ["md5:AAAA"]) == {}
    with db.begin() as conn:  # the same bytes uploaded again (or changed: the last upload wins)
        index.put_upload(conn, "team", "p1", WandbUpload("md5:AAAA", SHA_B, 9), 2.0)
    with db.read() as conn:
        assert index.uploads(conn, "team", "p1", ["md5:AAAA"])["md5:AAAA"].sha256 == SHA_B
