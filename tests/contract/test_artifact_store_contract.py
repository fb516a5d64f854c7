"""Contract of ``ArtifactStore`` on every SQL backend (``db_url``): collections, versions, manifests,
aliases, births, client ids and lineage edges, and what deletes take with them.

Run: ``.venv/bin/pytest tests/contract/test_artifact_store_contract.py``.
"""

from __future__ import annotations

import time
import uuid

import pytest

from trackwell.schema.runs import RunUpsert
from trackwell.store.base import ArtifactRace, NewVersion, RunKey, StoredEntry, StoredVersion, VersionChanges
from trackwell.store.sql.database import SqlDatabase


def _new(index: int, digest: str, **fields: object) -> NewVersion:
    values: dict[str, object] = {
        "id": uuid.uuid4().hex,
        "version_index": index,
        "digest": digest,
        "dedup_key": digest,
        "size": 10,
        "file_count": 1,
        "description": None,
        "metadata": {},
        "tags": [],
        "ttl_seconds": None,
        "created_at": 100.0 + index,
    }
    values.update(fields)
    return NewVersion(**values)  # type: ignore[arg-type]


def _make(
    db: SqlDatabase, name: str = "data", digest: str | None = None, type_: str = "dataset"
) -> StoredVersion:
    """A new version of ``ent/p/<name>`` as the service would make it."""
    digest = digest or uuid.uuid4().hex * 2
    with db.begin() as conn:
        coll = db.artifacts.ensure_collection(conn, "ent", "p", name, type_, "sequence", 1.0)
        index = db.artifacts.take_version_index(conn, coll.pk)
        pk = db.artifacts.insert_version(conn, coll.pk, _new(index, digest))
        found = db.artifacts.get_versions(conn, [pk])[pk]
    return found


def _run_pk(db: SqlDatabase, run_id: str, project: str = "p") -> int:
    with db.begin() as conn:
        return db.runs.create_run(conn, RunKey("ent", project, run_id), RunUpsert(session_id="s"), 1.0).pk


def test_collection_is_created_once_with_its_project_and_keeps_its_type(db: SqlDatabase) -> None:
    with db.begin() as conn:
        first = db.artifacts.ensure_collection(conn, "ent", "newproj", "data", "dataset", "sequence", 5.0)
    with db.begin() as conn:
        again = db.artifacts.ensure_collection(conn, "ent", "newproj", "data", "model", "sequence", 6.0)
    assert again.pk == first.pk and again.type == "dataset" and again.created_at == 5.0
    assert (first.entity, first.project, first.name, first.kind) == ("ent", "newproj", "data", "sequence")
    with db.read() as conn:
        assert [p.name for p in db.runs.list_projects(conn, "ent", None)] == ["newproj"]
        assert db.artifacts.get_collection(conn, "ent", "newproj", "nope") is None


def test_version_numbers_count_up_and_are_never_reused(db: SqlDatabase) -> None:
    v0, v1 = _make(db), _make(db)
    assert (v0.version_index, v1.version_index) == (0, 1)
    with db.begin() as conn:
        db.artifacts.delete_version(conn, v1.pk)
    assert _make(db).version_index == 2


def test_a_version_is_found_by_index_alias_id_digest_and_client_id(db: SqlDatabase) -> None:
    with db.begin() as conn:
        coll = db.artifacts.ensure_collection(conn, "ent", "p", "m", "model", "sequence", 1.0)
        new = _new(0, "a" * 64, client_id="client-1", metadata={"acc": 0.9, "nan": float("nan")}, tags=["t"])
        pk = db.artifacts.insert_version(conn, coll.pk, new)
        db.artifacts.remember_client_id(conn, coll.pk, "client-1", pk)
        db.artifacts.remember_client_id(conn, coll.pk, "client-2", pk)
        db.artifacts.set_alias(conn, coll.pk, "best", pk, 1.0)
    with db.read() as conn:
        store = db.artifacts
        by_index = store.version_by_index(conn, coll.pk, 0)
        assert by_index is not None and by_index.pk == pk and by_index.id == new.id
        assert (by_index.entity, by_index.project, by_index.name, by_index.type) == ("ent", "p", "m", "model")
        assert by_index.aliases == ("best",) and by_index.tags == ["t"] and by_index.metadata["acc"] == 0.9
        assert by_index.client_id == "client-1" and by_index.state == "COMMITTED"
        for found in (
            store.version_by_alias(conn, coll.pk, "best"),
            store.version_by_id(conn, new.id),
            store.version_by_dedup_key(conn, coll.pk, "a" * 64),
            store.version_by_client_id(conn, coll.pk, "client-2"),
        ):
            assert found is not None and found.pk == pk
        assert store.version_by_index(conn, coll.pk, 1) is None
        assert store.version_by_alias(conn, coll.pk, "nope") is None
        assert store.version_by_id(conn, "nope") is None


def test_equal_content_or_index_in_one_collection_is_refused_as_a_race(db: SqlDatabase) -> None:
    v0 = _make(db, digest="b" * 64)
    with pytest.raises(ArtifactRace), db.begin() as conn:
        db.artifacts.insert_version(conn, v0.collection_pk, _new(5, "b" * 64))
    with pytest.raises(ArtifactRace), db.begin() as conn:
        db.artifacts.insert_version(conn, v0.collection_pk, _new(0, "c" * 64))
    # The same content in another collection is another version.
    assert _make(db, name="other", digest="b" * 64).version_index == 0


def test_aliases_are_unique_per_collection_and_move(db: SqlDatabase) -> None:
    v0, v1 = _make(db), _make(db)
    other = _make(db, name="other")
    with db.begin() as conn:
        db.artifacts.set_alias(conn, v0.collection_pk, "prod", v0.pk, 1.0)
        db.artifacts.set_alias(conn, other.collection_pk, "prod", other.pk, 1.0)
        db.artifacts.set_alias(conn, v0.collection_pk, "prod", v1.pk, 2.0)
    with db.read() as conn:
        found = db.artifacts.get_versions(conn, [v0.pk, v1.pk, other.pk])
        coll = db.artifacts.get_collection(conn, "ent", "p", "data")
    assert found[v0.pk].aliases == () and found[v1.pk].aliases == ("prod",)
    assert found[other.pk].aliases == ("prod",)
    assert coll is not None and coll.aliases == {"prod": 1} and coll.version_count == 2
    with db.begin() as conn:
        db.artifacts.remove_alias(conn, v0.collection_pk, "prod")
    with db.read() as conn:
        assert db.artifacts.get_versions(conn, [v1.pk])[v1.pk].aliases == ()


def test_manifest_of_ten_thousand_entries_round_trips_in_order(db: SqlDatabase) -> None:
    v0 = _make(db)
    entries = [
        StoredEntry(path=f"d/{i:05d}.txt", digest=f"{i:064x}", size=i, mimetype="text/plain", birth_pk=v0.pk)
        for i in range(10_000)
    ]
    entries.append(StoredEntry(path="ref.bin", digest="etag-1", size=3, ref="s3://b/k", extra={"etag": "x"}))
    with db.begin() as conn:
        db.artifacts.put_entries(conn, v0.pk, list(reversed(entries)))
    started = time.perf_counter()
    with db.read() as conn:
        read = db.artifacts.entries(conn, v0.pk)
    assert time.perf_counter() - started < 2.0
    assert [e.path for e in read] == sorted(e.path for e in entries)
    assert read[5] == StoredEntry("d/00005.txt", f"{5:064x}", 5, None, None, "text/plain", v0.pk, v0.id)
    with db.read() as conn:
        ref = db.artifacts.entry(conn, v0.pk, "ref.bin")
        assert db.artifacts.entry(conn, v0.pk, "missing") is None
    assert ref is not None and ref.ref == "s3://b/k" and ref.extra == {"etag": "x"} and ref.birth_id is None


def test_births_keep_the_first_version_per_digest(db: SqlDatabase) -> None:
    v0, v1 = _make(db), _make(db)
    with db.begin() as conn:
        db.artifacts.add_births(conn, v0.collection_pk, ["a" * 64, "b" * 64], v0.pk)
        db.artifacts.add_births(conn, v0.collection_pk, ["b" * 64, "c" * 64], v1.pk)
    with db.read() as conn:
        births = db.artifacts.births(conn, v0.collection_pk, ["a" * 64, "b" * 64, "c" * 64, "d" * 64])
    assert births == {"a" * 64: v0.pk, "b" * 64: v0.pk, "c" * 64: v1.pk}


def test_lists_pages_and_types(db: SqlDatabase) -> None:
    for name, type_ in (("b-data", "dataset"), ("a-data", "dataset"), ("model", "model")):
        _make(db, name=name, type_=type_)
    _make(db, name="model", type_="model")
    with db.begin() as conn:
        db.artifacts.ensure_collection(conn, "ent", "p", "registry", "model", "portfolio", 1.0)
    with db.read() as conn:
        store = db.artifacts
        page, total = store.list_collections(conn, "ent", "p", None, None, 2, 0)
        assert total == 4 and [c.name for c in page] == ["a-data", "b-data"]
        models, total = store.list_collections(conn, "ent", "p", "model", "sequence", 10, 0)
        assert total == 1 and models[0].name == "model" and models[0].version_count == 2
        assert store.list_types(conn, "ent", "p") == [("dataset", 2), ("model", 2)]
        assert store.collection_names(conn, "ent", "p", 2) == ["a-data", "b-data"]
        versions, total = store.list_versions(conn, models[0].pk, 1, 0)
        assert total == 2 and [v.version_index for v in versions] == [1]
        newest = store.newest_version(conn, models[0].pk)
        assert newest is not None and newest.version_index == 1


def test_update_version_changes_only_what_is_given(db: SqlDatabase) -> None:
    v0 = _make(db)
    with db.begin() as conn:
        db.artifacts.update_version(
            conn, v0.pk, VersionChanges(description="d", ttl_seconds=60, updated_at=500.0)
        )
        db.artifacts.update_version(conn, v0.pk, VersionChanges(tags=["x"]))
    with db.read() as conn:
        after = db.artifacts.get_versions(conn, [v0.pk])[v0.pk]
    assert (after.description, after.ttl_seconds, after.tags, after.updated_at) == ("d", 60, ["x"], 500.0)
    assert after.metadata == {} and after.created_at == v0.created_at


def test_edges_are_idempotent_and_a_deleted_run_takes_only_its_edges(db: SqlDatabase) -> None:
    v0 = _make(db)
    producer, consumer = _run_pk(db, "producer"), _run_pk(db, "consumer", project="other")
    with db.begin() as conn:
        for _ in range(2):
            db.artifacts.add_edge(conn, v0.pk, producer, "logged", None, 10.0)
            db.artifacts.add_edge(conn, v0.pk, consumer, "used", "input", 11.0)
    with db.read() as conn:
        edges = db.artifacts.edges_of_versions(conn, [v0.pk])
        assert [(e.run_pk, e.kind, e.used_as) for e in edges] == [
            (producer, "logged", None),
            (consumer, "used", "input"),
        ]
        assert [e.version_pk for e in db.artifacts.edges_of_runs(conn, [consumer], "used")] == [v0.pk]
        assert db.artifacts.edges_of_runs(conn, [consumer], "logged") == []
        refs = db.artifacts.run_refs(conn, [producer, consumer])
    assert (refs[consumer].entity, refs[consumer].project, refs[consumer].run_id) == (
        "ent",
        "other",
        "consumer",
    )
    assert refs[producer].state == "running"
    with db.begin() as conn:
        db.runs.delete_run(conn, consumer)
    with db.read() as conn:
        assert [e.run_pk for e in db.artifacts.edges_of_versions(conn, [v0.pk])] == [producer]
        assert v0.pk in db.artifacts.get_versions(conn, [v0.pk])


def test_deleting_a_version_takes_its_entries_aliases_and_links(db: SqlDatabase) -> None:
    v0 = _make(db)
    run = _run_pk(db, "r")
    with db.begin() as conn:
        db.artifacts.put_entries(conn, v0.pk, [StoredEntry("a.txt", "a" * 64, 1)])
        db.artifacts.set_alias(conn, v0.collection_pk, "prod", v0.pk, 1.0)
        db.artifacts.add_edge(conn, v0.pk, run, "logged", None, 1.0)
        registry = db.artifacts.ensure_collection(conn, "ent", "p", "registry", "dataset", "portfolio", 1.0)
        link = db.artifacts.insert_version(
            conn, registry.pk, _new(0, v0.digest, dedup_key=f"link:{v0.pk}", source_pk=v0.pk)
        )
    with db.read() as conn:
        assert [v.pk for v in db.artifacts.links_to(conn, v0.pk)] == [link]
        assert db.artifacts.get_versions(conn, [link])[link].source_pk == v0.pk
    with db.begin() as conn:
        db.artifacts.delete_version(conn, v0.pk)
    with db.read() as conn:
        assert db.artifacts.entries(conn, v0.pk) == []
        assert db.artifacts.get_versions(conn, [v0.pk, link]) == {}
        assert db.artifacts.edges_of_runs(conn, [run]) == []
        coll = db.artifacts.get_collection(conn, "ent", "p", "data")
    assert coll is not None and coll.aliases == {} and coll.version_count == 0


def test_deleting_a_collection_takes_every_version(db: SqlDatabase) -> None:
    v0 = _make(db)
    with db.begin() as conn:
        db.artifacts.update_collection(conn, v0.collection_pk, "about", 9.0)
    with db.read() as conn:
        coll = db.artifacts.get_collection(conn, "ent", "p", "data")
    assert coll is not None and coll.description == "about" and coll.updated_at == 9.0
    with db.begin() as conn:
        db.artifacts.delete_collection(conn, v0.collection_pk)
    with db.read() as conn:
        assert db.artifacts.get_collection(conn, "ent", "p", "data") is None
        assert db.artifacts.version_by_id(conn, v0.id) is None
