"""The web UI's backend against a real server: browser sessions (cookie, CSRF, one-time links,
sign-out) and the bulk series query the charts use."""

from __future__ import annotations

import uuid

import httpx

from tests.fixtures.live_server import LiveServer


def _seed(server: LiveServer, run_id: str, points: int, project: str = "ui") -> None:
    with server.client() as c:
        session = uuid.uuid4().hex
        r = c.put(f"/api/v1/runs/{_entity(server)}/{project}/{run_id}", json={"session_id": session})
        r.raise_for_status()
        records = [
            {
                "kind": "history",
                "seq": i,
                "step": i,
                "timestamp": 1000.0 + i,
                "runtime": float(i),
                "values": {"loss": 1.0 / (i + 1), "epoch": i // 10},
            }
            for i in range(points)
        ]
        r = c.post(
            f"/api/v1/runs/{_entity(server)}/{project}/{run_id}/records",
            json={"session_id": session, "records": records},
        )
        r.raise_for_status()


def _entity(server: LiveServer) -> str:
    with server.client() as c:
        return str(c.get("/api/v1/viewer").json()["entity"])


def test_nothing_is_open_without_credentials(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url) as anon:
        assert anon.get("/api/v1/projects").status_code == 401
        assert anon.get("/api/v1/session").status_code == 401
        assert anon.post("/api/v1/series/query", json={"runs": [], "keys": []}).status_code in (400, 401)


def test_sign_in_sets_a_strict_httponly_cookie_and_never_echoes_the_key(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url) as browser:
        bad = browser.post("/api/v1/session", json={"api_key": "tw-" + "x" * 40})
        assert bad.status_code == 401, (bad.status_code, bad.text)
        assert "tw-xxxx" not in bad.text
        r = browser.post("/api/v1/session", json={"api_key": live_server.api_key})
        assert r.status_code == 200, r.text
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert live_server.api_key not in r.text and live_server.api_key not in r.headers["set-cookie"]
        info = r.json()
        assert browser.get("/api/v1/projects").status_code == 200
        assert browser.get("/api/v1/session").json()["username"] == info["username"]


def test_cookie_requests_that_change_things_need_the_csrf_header(live_server: LiveServer) -> None:
    _seed(live_server, "r1", 5)
    entity = _entity(live_server)
    with httpx.Client(base_url=live_server.url) as browser:
        csrf = browser.post("/api/v1/session", json={"api_key": live_server.api_key}).json()["csrf_token"]
        path = f"/api/v1/runs/{entity}/ui/r1"
        refused = browser.patch(path, json={"notes": "from a forged form"})
        assert refused.status_code == 403
        assert refused.json()["error"]["field"] == "X-CSRF-Token"
        ok = browser.patch(path, json={"notes": "mine"}, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200 and ok.json()["notes"] == "mine"


def test_one_time_link_works_once_then_sign_out_ends_the_session(live_server: LiveServer) -> None:
    with live_server.client() as cli:
        answer = cli.post("/api/v1/session/login-link")
        assert answer.status_code == 200, (answer.status_code, answer.text)
        link = answer.json()
    path = link["url"].removeprefix(live_server.url)
    with httpx.Client(base_url=live_server.url) as browser:
        r = browser.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/"
        me = browser.get("/api/v1/session").json()
        assert browser.get("/api/v1/projects").status_code == 200
        browser.cookies.clear()
        assert browser.get(path).status_code == 401  # single use
        # A stolen cookie stops working after sign-out.
        r = browser.post("/api/v1/session", json={"api_key": live_server.api_key})
        cookie = browser.cookies.get("trackwell_session")
        out = browser.delete("/api/v1/session", headers={"X-CSRF-Token": r.json()["csrf_token"]})
        assert out.status_code == 204
        assert me["username"]
    with httpx.Client(base_url=live_server.url, cookies={"trackwell_session": str(cookie)}) as thief:
        assert thief.get("/api/v1/projects").status_code == 401


def test_series_query_returns_every_run_downsampled_with_the_x_metric(live_server: LiveServer) -> None:
    _seed(live_server, "big", 5000)
    _seed(live_server, "small", 30)
    entity = _entity(live_server)
    runs = [{"entity": entity, "project": "ui", "run_id": r} for r in ("big", "small", "gone")]
    with live_server.client() as c:
        r = c.post(
            "/api/v1/series/query", json={"runs": runs, "keys": ["loss"], "samples": 500, "x_key": "epoch"}
        )
        assert r.status_code == 200, r.text
        by_id = {x["run_id"]: x for x in r.json()["runs"]}
        big = {s["key"]: s for s in by_id["big"]["series"]}
        assert big["loss"]["total_points"] == 5000 and big["loss"]["sampled"]
        assert len(big["loss"]["steps"]) <= 2000
        assert big["loss"]["values"][0] == 1.0  # extremes survive downsampling
        assert "epoch" in big
        assert len(by_id["small"]["series"][0]["steps"]) == 30
        assert by_id["gone"]["error"] and by_id["gone"]["series"] == []
        # Zoom: a narrow step range comes back at full resolution.
        z = c.post(
            "/api/v1/series/query",
            json={"runs": runs[:1], "keys": ["loss"], "samples": 500, "min_step": 100, "max_step": 199},
        ).json()
        assert z["runs"][0]["series"][0]["steps"] == list(range(100, 200))
        bad = c.post("/api/v1/series/query", json={"runs": runs, "keys": ["loss"], "samples": 0})
        assert bad.status_code == 400 and bad.json()["error"]["field"] == "samples"


def test_live_charts_read_only_the_tail_after_the_step_they_hold(live_server: LiveServer) -> None:
    # A live chart refreshes with after_step = the last_step of its previous answer: a growing
    # run answers with its new points only, a run with nothing newer answers with no series.
    _seed(live_server, "growing", 300, project="live")
    _seed(live_server, "done", 50, project="live")
    entity = _entity(live_server)
    refs = [{"entity": entity, "project": "live", "run_id": r} for r in ("growing", "done")]
    with live_server.client() as c:
        first = c.post("/api/v1/series/query", json={"runs": refs, "keys": ["loss"], "samples": 100}).json()
        last = {r["run_id"]: r["last_step"] for r in first["runs"]}
        assert last == {"growing": 299, "done": 49}
        # The run goes on: 20 more steps arrive.
        session = uuid.uuid4().hex
        run_url = f"/api/v1/runs/{entity}/live/growing"
        c.put(run_url, json={"session_id": session, "resume": "allow"}).raise_for_status()
        more = [
            {"kind": "history", "seq": i, "step": 300 + i, "timestamp": 2000.0 + i, "runtime": 300.0 + i,
             "values": {"loss": 0.001}}
            for i in range(20)
        ]  # fmt: skip
        c.post(run_url + "/records", json={"session_id": session, "records": more}).raise_for_status()
        tail_refs = [{**ref, "after_step": last[ref["run_id"]]} for ref in refs]
        tail = c.post(
            "/api/v1/series/query", json={"runs": tail_refs, "keys": ["loss"], "samples": 100}
        ).json()
        by_id = {r["run_id"]: r for r in tail["runs"]}
        assert by_id["growing"]["series"][0]["steps"] == list(range(300, 320))
        assert by_id["growing"]["last_step"] == 319
        assert by_id["done"]["series"] == [] and by_id["done"]["last_step"] == 49
