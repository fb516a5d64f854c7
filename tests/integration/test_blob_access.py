"""A blob is read by digest only by a caller who may read a project holding those bytes in a run file
or an artifact: members and viewers of a private team project read them, an outsider (signed in,
no role) gets 404 as for a blob that does not exist, and so does a member who lost the role, even
though they kept the digests (docs/teams.md, "Blobs"). On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.artifacts import body, collection_url, make_run, make_user, put_blob
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer

TEAM = "blob-team"


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path / "data") as live:
        yield live


def _client(server: LiveServer, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=headers, timeout=30)


def test_blobs_are_read_only_through_projects_the_caller_may_read(server: LiveServer) -> None:
    admin = _client(server, server.headers)
    project = "secret-" + uuid.uuid4().hex[:6]
    run_url = make_run(admin, TEAM, project, "r1")
    admin.put(
        f"/api/v1/projects/{TEAM}/{project}/visibility", json={"visibility": "private"}
    ).raise_for_status()
    file_bytes, artifact_bytes = b"run file " + uuid.uuid4().bytes, b"artifact file " + uuid.uuid4().bytes
    admin.put(f"{run_url}/files/weights.bin", content=file_bytes).raise_for_status()
    file_sha = put_blob(admin, file_bytes)
    made = admin.post(
        collection_url(TEAM, project, "data") + "/versions", json=body(admin, {"x.bin": artifact_bytes})
    )
    made.raise_for_status()
    artifact_sha = put_blob(admin, artifact_bytes)

    member = _client(server, make_user(server, "blob-member-" + project, admin=False, entity=TEAM))
    viewer = _client(
        server, make_user(server, "blob-viewer-" + project, admin=False, role="viewer", entity=TEAM)
    )
    outsider = _client(server, make_user(server, "blob-outsider-" + project, admin=False, role=None))
    for sha in (file_sha, artifact_sha):
        assert member.get(f"/api/v1/blobs/{sha}").content in (file_bytes, artifact_bytes)
        assert viewer.get(f"/api/v1/blobs/{sha}").status_code == 200
        refused = outsider.get(f"/api/v1/blobs/{sha}")
        assert refused.status_code == 404 and refused.json()["error"]["field"] == "sha256"
    assert member.post("/api/v1/blobs/read", json={"sha256": [file_sha, artifact_sha]}).status_code == 200
    assert outsider.post("/api/v1/blobs/read", json={"sha256": [file_sha]}).status_code == 404
    assert outsider.post("/api/v1/blobs/urls", json={"sha256": [artifact_sha]}).status_code == 404

    # The member leaves the team: the digests they kept read nothing any more.
    left = admin.delete(f"/api/v1/teams/{TEAM}/members/blob-member-{project}")
    assert left.status_code == 204, left.text
    assert member.get(f"/api/v1/blobs/{file_sha}").status_code == 404
    # Made public, the project's blobs are readable by every signed-in user.
    admin.put(
        f"/api/v1/projects/{TEAM}/{project}/visibility", json={"visibility": "public"}
    ).raise_for_status()
    assert outsider.get(f"/api/v1/blobs/{artifact_sha}").status_code == 200
    for client in (admin, member, viewer, outsider):
        client.close()
