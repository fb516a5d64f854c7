"""Concurrent creates of one artifact name, through two server processes sharing one database and one
blob store, on SQLite and PostgreSQL: distinct content gets distinct versions v0..vN, equal content
gets one version, and nobody sees an error or a duplicate version number."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.artifacts import body, collection_url, put_blob
from tests.fixtures.backends import BACKENDS
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.slow

WRITERS = 12


@pytest.fixture(scope="module", params=BACKENDS)
def servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    root: Path = tmp_path_factory.mktemp(f"concurrent-{request.param}")
    cluster, database = None, ""
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        database = "t_" + uuid.uuid4().hex[:12]
        url = cluster.create_database(database)
    else:
        url = f"sqlite:///{root / 'shared.db'}"
    shared = ["--database-url", url, "--blob-url", str(root / "blobs")]
    first = LiveServer(root / "a", extra_args=shared).start()
    try:
        second = LiveServer(root / "b", extra_args=shared).start()
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()
        if cluster is not None:
            cluster.drop_database(database)


def _race(
    servers: tuple[LiveServer, LiveServer], url: str, payloads: list[dict[str, Any]]
) -> list[httpx.Response]:
    """POST every payload at once, alternating between the two servers."""
    answers: list[httpx.Response | None] = [None] * len(payloads)
    start = threading.Barrier(len(payloads))

    def send(i: int) -> None:
        with servers[i % 2].client() as api:
            start.wait()
            answers[i] = api.post(url + "/versions", json=payloads[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(payloads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = [a for a in answers if a is not None]
    assert len(done) == len(payloads)
    for response in done:
        assert response.status_code == 200, response.text
    return done


@pytest.fixture
def target(servers: tuple[LiveServer, LiveServer]) -> str:
    """A collection that exists with one version (v0), so that the writers race on its versions,
    not on creating it (creating a row makes the others wait for its commit, hiding the race)."""
    with servers[0].client() as api:
        entity = api.get("/api/v1/viewer").json()["entity"]
        url = collection_url(entity, "race-" + uuid.uuid4().hex[:8], "shared-name")
        api.post(url + "/versions", json=body(api, {"seed.txt": b"seed"})).raise_for_status()
    return url


def test_distinct_content_gets_distinct_versions(servers: tuple[LiveServer, LiveServer], target: str) -> None:
    with servers[0].client() as api:
        payloads = [body(api, {"f.txt": f"content {i}".encode()}) for i in range(WRITERS)]
    answers = [r.json() for r in _race(servers, target, payloads)]
    assert sorted(a["version_index"] for a in answers) == list(range(1, WRITERS + 1))
    assert len({a["id"] for a in answers}) == WRITERS and all(a["created"] for a in answers)
    with servers[1].client() as api:
        listed = api.get(target + "/versions", params={"limit": 100}).json()
        latest = api.get(target + "/versions/latest").json()
    assert listed["total"] == WRITERS + 1
    assert [a["alias"] for a in latest["aliases"]] == ["latest"] and latest["version_index"] > 0
    assert sum("latest" in [a["alias"] for a in v["aliases"]] for v in listed["versions"]) == 1


def test_equal_content_gets_one_version(servers: tuple[LiveServer, LiveServer], target: str) -> None:
    with servers[0].client() as api:
        one = body(api, {"f.txt": b"the same bytes"})
    payloads = [one | {"client_id": uuid.uuid4().hex} for _ in range(WRITERS)]
    answers = [r.json() for r in _race(servers, target, payloads)]
    assert len({a["id"] for a in answers}) == 1 and {a["version"] for a in answers} == {"v1"}
    assert sum(a["created"] for a in answers) == 1
    with servers[1].client() as api:
        assert api.get(target + "/versions").json()["total"] == 2


def test_mixed_content_gets_one_version_per_content(
    servers: tuple[LiveServer, LiveServer], target: str
) -> None:
    with servers[0].client() as api:
        put_blob(api, b"warm the blob store")
        kinds = [body(api, {"f.txt": f"kind {k}".encode()}) for k in range(4)]
    payloads = [kinds[i % 4] | {"client_id": uuid.uuid4().hex, "aliases": [f"w{i}"]} for i in range(WRITERS)]
    answers = [r.json() for r in _race(servers, target, payloads)]
    by_digest: dict[str, set[str]] = {}
    for a in answers:
        by_digest.setdefault(a["digest"], set()).add(a["id"])
    assert len(by_digest) == 4 and all(len(ids) == 1 for ids in by_digest.values())
    with servers[0].client() as api:
        listed = api.get(target + "/versions").json()
    assert listed["total"] == 5 and sorted(v["version_index"] for v in listed["versions"]) == [0, 1, 2, 3, 4]
    aliases = [a["alias"] for v in listed["versions"] for a in v["aliases"]]
    assert sorted(aliases) == sorted([f"w{i}" for i in range(WRITERS)] + ["latest"])
