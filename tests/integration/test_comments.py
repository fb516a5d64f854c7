"""Comments and mentions against a live server, on SQLite and PostgreSQL: a mention of a colleague
lands in their inbox with a link to the comment while a mention of someone who cannot read the
project notifies nobody (and the author is told); authors edit their own comments, authors and
admins delete them; viewers read but do not comment; a retried POST does not post twice; hostile
text comes back exactly as written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer

TEAM, PROJECT = "lab", "mnist"
ON_RUN = f"/api/v1/comments/{TEAM}/{PROJECT}/runs/adam-1"
INBOX = "/api/v1/me/notifications"


class People:
    def __init__(self, server: LiveServer) -> None:
        roles = {"ada": "member", "bob": "member", "vic": "viewer", "tia": "admin", "out": None}
        self.clients = {
            name: httpx.Client(
                base_url=server.url,
                headers=make_user(server, name, admin=False, role=role, entity=TEAM),  # type: ignore[arg-type]
                timeout=30,
            )
            for name, role in roles.items()
        }

    def __getitem__(self, name: str) -> httpx.Client:
        return self.clients[name]


@pytest.fixture(scope="module", params=BACKENDS)
def people(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[People]:
    data = tmp_path_factory.mktemp(f"comments-{request.param}") / "data"
    with server_on_backend(request, data) as live:
        with httpx.Client(base_url=live.url, headers=live.headers, timeout=30) as admin:
            admin.put(f"/api/v1/runs/{TEAM}/{PROJECT}/adam-1", json={"session_id": "s"}).raise_for_status()
        made = People(live)
        try:
            yield made
        finally:
            for client in made.clients.values():
                client.close()


def _post(client: httpx.Client, text: str, url: str = ON_RUN, **body: object) -> httpx.Response:
    return client.post(url, json={"text": text, **body})


def _inbox(client: httpx.Client) -> dict[str, object]:
    answer = client.get(INBOX)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_mention_notifies_a_reader_and_not_someone_who_cannot_read(people: People) -> None:
    tag = uuid.uuid4().hex[:6]
    before = _inbox(people["bob"])["unread"]
    made = _post(people["ada"], f"@bob the loss spikes at step 40 ({tag}); cc @out @no-such-user @ada")
    assert made.status_code == 201, made.text
    saved = made.json()
    assert saved["comment"]["mentions"] == ["bob"]  # the author mentioning herself is no notification
    assert saved["not_notified"] == ["out", "no-such-user"]
    assert "@out, @no-such-user notified nobody" in saved["hint"] and f"{TEAM}/{PROJECT}" in saved["hint"]

    inbox = _inbox(people["bob"])
    assert inbox["unread"] == before + 1  # type: ignore[operator]
    [first, *_] = inbox["notifications"]  # type: ignore[misc]
    assert tag in first["excerpt"] and first["author"] == "ada" and first["read"] is False
    assert first["link"] == f"/{TEAM}/{PROJECT}/runs/adam-1?tab=comments#comment-{saved['comment']['id']}"
    assert all(tag not in n["excerpt"] for n in _inbox(people["out"])["notifications"])  # type: ignore[attr-defined]

    read = people["bob"].post(INBOX + "/read", json={"ids": [first["id"]]})
    assert read.status_code == 204
    assert _inbox(people["bob"])["unread"] == before
    # Someone else's notification ids mark nothing of theirs.
    assert people["ada"].post(INBOX + "/read", json={"ids": [first["id"]]}).status_code == 204
    assert _inbox(people["bob"])["notifications"][0]["read"] is True  # type: ignore[index]


def test_an_edit_notifies_only_names_new_to_the_comment(people: People) -> None:
    made = _post(people["ada"], "@bob first").json()["comment"]
    before = _inbox(people["bob"])["unread"]
    edited = people["ada"].patch(
        f"/api/v1/comments/{TEAM}/{PROJECT}/{made['id']}", json={"text": "@bob @tia v2"}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["comment"]["mentions"] == ["bob", "tia"]
    assert edited.json()["comment"]["edited_at"] is not None
    assert _inbox(people["bob"])["unread"] == before
    assert any(n["comment_id"] == made["id"] for n in _inbox(people["tia"])["notifications"])  # type: ignore[attr-defined]


def test_viewers_read_outsiders_see_nothing_and_only_writers_comment(people: People) -> None:
    _post(people["ada"], "visible to readers").raise_for_status()
    listed = people["vic"].get(ON_RUN)
    assert listed.status_code == 200 and "visible to readers" in listed.text
    assert all(not c["can_edit"] and not c["can_delete"] for c in listed.json()["comments"])
    assert listed.json()["can_comment"] is False and people["bob"].get(ON_RUN).json()["can_comment"] is True
    refused = _post(people["vic"], "may I?")
    assert refused.status_code == 403 and "'member'" in refused.json()["error"]["message"]
    assert people["out"].get(ON_RUN).status_code == 404
    assert _post(people["out"], "hello").status_code == 403  # a write by a non-member names the team
    missing = people["ada"].get(f"/api/v1/comments/{TEAM}/{PROJECT}/runs/never-was")
    assert missing.status_code == 404 and "never-was" in missing.json()["error"]["message"]


def test_authors_edit_their_own_and_authors_or_admins_delete(people: People) -> None:
    mine = _post(people["ada"], "ada's").json()["comment"]
    url = f"/api/v1/comments/{TEAM}/{PROJECT}/{mine['id']}"
    assert mine["can_edit"] and mine["can_delete"]
    as_bob = {c["id"]: c for c in people["bob"].get(ON_RUN).json()["comments"]}[mine["id"]]
    assert not as_bob["can_edit"] and not as_bob["can_delete"]
    refused = people["bob"].patch(url, json={"text": "not yours"})
    assert refused.status_code == 403 and "only its author (ada)" in refused.json()["error"]["message"]
    assert people["bob"].delete(url).status_code == 403
    as_admin = {c["id"]: c for c in people["tia"].get(ON_RUN).json()["comments"]}[mine["id"]]
    assert not as_admin["can_edit"] and as_admin["can_delete"]
    assert people["tia"].patch(url, json={"text": "admins delete, never rewrite"}).status_code == 403
    assert people["tia"].delete(url).status_code == 204
    assert people["ada"].delete(url).status_code == 404
    own = _post(people["bob"], "bob's").json()["comment"]
    assert people["bob"].delete(f"/api/v1/comments/{TEAM}/{PROJECT}/{own['id']}").status_code == 204


def test_replies_stay_one_level_deep_and_go_with_their_thread(people: People) -> None:
    root = _post(people["ada"], "thread").json()["comment"]
    reply = _post(people["bob"], "reply", parent_id=root["id"]).json()["comment"]
    deeper = _post(people["ada"], "reply to the reply", parent_id=reply["id"]).json()["comment"]
    assert reply["parent_id"] == root["id"] and deeper["parent_id"] == root["id"]
    elsewhere = _post(people["ada"], "x", f"/api/v1/comments/{TEAM}/{PROJECT}/runs/adam-1", parent_id=10**9)
    assert elsewhere.status_code == 400 and elsewhere.json()["error"]["field"] == "parent_id"
    assert people["ada"].delete(f"/api/v1/comments/{TEAM}/{PROJECT}/{root['id']}").status_code == 204
    ids = {c["id"] for c in people["ada"].get(ON_RUN).json()["comments"]}
    assert not ids & {root["id"], reply["id"], deeper["id"]}


def test_a_retried_post_with_its_client_id_does_not_post_twice(people: People) -> None:
    client_id = uuid.uuid4().hex
    first = _post(people["ada"], "@bob once", client_id=client_id)
    before = _inbox(people["bob"])["unread"]
    again = _post(people["ada"], "@bob once", client_id=client_id)
    assert first.status_code == again.status_code == 201
    assert again.json()["comment"]["id"] == first.json()["comment"]["id"]
    texts = [c["text"] for c in people["ada"].get(ON_RUN).json()["comments"]]
    assert texts.count("@bob once") == 1
    assert _inbox(people["bob"])["unread"] == before
    reused = _post(people["ada"], "something else", client_id=client_id)
    assert reused.status_code == 409 and reused.json()["error"]["field"] == "client_id"


def test_hostile_text_comes_back_as_written_and_long_text_is_refused_naming_the_limit(people: People) -> None:
    hostile = '<img src=x onerror="alert(1)"> <script>alert(2)</script> [x](javascript:alert(3)) ☃'
    made = _post(people["ada"], hostile)
    assert made.status_code == 201 and made.json()["comment"]["text"] == hostile
    assert made.headers["content-type"].startswith("application/json")
    too_long = _post(people["ada"], "x" * 8001)
    error = too_long.json()["error"]
    assert (
        too_long.status_code == 400 and "8001 characters" in error["message"] and "8000" in error["message"]
    )
    assert _post(people["ada"], "   ").status_code == 400


def test_comments_on_a_report_and_who_may_be_mentioned(people: People) -> None:
    report = people["ada"].post(
        f"/api/v1/reports/{TEAM}/{PROJECT}", json={"title": "Study", "blocks": [], "status": "draft"}
    )
    assert report.status_code == 201, report.text
    url = f"/api/v1/comments/{TEAM}/{PROJECT}/reports/{report.json()['id']}"
    made = _post(people["ada"], "@vic please review", url)
    assert made.status_code == 201 and made.json()["comment"]["target_kind"] == "report"
    [note] = [
        n for n in _inbox(people["vic"])["notifications"] if n["comment_id"] == made.json()["comment"]["id"]
    ]  # type: ignore[attr-defined]
    assert (
        note["link"]
        == f"/{TEAM}/{PROJECT}/reports/{report.json()['id']}#comment-{made.json()['comment']['id']}"
    )
    assert [c["text"] for c in people["bob"].get(url).json()["comments"]] == ["@vic please review"]

    mentionable = people["ada"].get(f"/api/v1/comments/{TEAM}/{PROJECT}/mentionable")
    assert mentionable.status_code == 200
    names = {u["username"] for u in mentionable.json()["users"]}
    assert {"ada", "bob", "vic", "tia"} <= names and "out" not in names
    prefixed = people["ada"].get(f"/api/v1/comments/{TEAM}/{PROJECT}/mentionable", params={"prefix": "B"})
    assert [u["username"] for u in prefixed.json()["users"]] == ["bob"]
    assert people["out"].get(f"/api/v1/comments/{TEAM}/{PROJECT}/mentionable").status_code == 404
