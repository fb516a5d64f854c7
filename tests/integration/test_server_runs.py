"""Creating and resuming runs follows wandb's resume rules; runs can be edited, listed, deleted."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


def _run_url(run_id: str, project: str = "runs-test") -> str:
    return f"/api/v1/runs/me/{project}/{run_id}"


def _upsert(api: httpx.Client, run_id: str, **fields: Any) -> httpx.Response:
    body = {"session_id": fields.pop("session_id", uuid.uuid4().hex), **fields}
    return api.put(_run_url(run_id, fields.pop("project", "runs-test")), json=body)


def test_new_run_gets_a_readable_name_and_starts_at_seq_zero(api: httpx.Client) -> None:
    run = _upsert(api, "new1", config={"lr": 0.1}).json()
    assert run["state"] == "running" and run["resumed"] is False and run["next_seq"] == 0
    assert run["config"] == {"lr": 0.1}
    assert run["display_name"].count("-") == 2 and run["display_name"] != "new1"
    assert run["last_step"] is None


def test_resume_never_refuses_an_existing_run(api: httpx.Client) -> None:
    assert _upsert(api, "never1").status_code == 200
    response = _upsert(api, "never1", resume="never")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["field"] == "resume" and "resume='allow'" in error["hint"]


def test_resume_must_refuses_a_missing_run_like_wandb(api: httpx.Client) -> None:
    response = _upsert(api, "missing1", resume="must")
    assert response.status_code == 404
    error = response.json()["error"]
    assert "Run missing1 does not exist, but resume='must' requires it to exist" in error["message"]
    assert "resume='allow' or a new id" in error["hint"]


def test_resume_allow_merges_config_and_runs_again(api: httpx.Client) -> None:
    first = _upsert(api, "allow1", resume="allow", config={"lr": 0.1, "layers": 2}, tags=["a"]).json()
    assert first["resumed"] is False
    session = first_session = uuid.uuid4().hex
    api.post(
        _run_url("allow1") + "/records",
        json={
            "session_id": first_session,
            "records": [
                {
                    "kind": "history",
                    "seq": 0,
                    "step": 0,
                    "timestamp": 1.0,
                    "runtime": 1.0,
                    "values": {"x": 1},
                },
                {"kind": "exit", "seq": 1, "state": "finished", "exit_code": 0, "runtime": 2.0},
            ],
        },
    ).raise_for_status()
    assert api.get(_run_url("allow1")).json()["state"] == "finished"

    resumed = _upsert(api, "allow1", resume="allow", config={"lr": 0.2, "epochs": 3}, tags=["b"]).json()
    assert resumed["resumed"] is True and resumed["state"] == "running"
    assert resumed["config"] == {"lr": 0.2, "layers": 2, "epochs": 3}
    assert resumed["tags"] == ["b"]
    assert resumed["last_step"] == 0 and resumed["history_count"] == 1
    assert resumed["next_seq"] == 0  # a new session starts at 0

    again = _upsert(api, "allow1", resume="allow", session_id=session).json()
    assert again["next_seq"] == 2  # the first session reconnecting continues after its last record


def test_patch_edits_identity_and_merges_summary(api: httpx.Client) -> None:
    _upsert(api, "patch1").raise_for_status()
    body = {"display_name": "renamed", "tags": ["x", "y"], "notes": "hi", "summary": {"best": 0.9}}
    run = api.patch(_run_url("patch1"), json=body).json()
    assert (run["display_name"], run["tags"], run["notes"]) == ("renamed", ["x", "y"], "hi")
    run = api.patch(_run_url("patch1"), json={"summary": {"other": 1}}).json()
    assert run["summary"] == {"best": 0.9, "other": 1}
    assert run["display_name"] == "renamed"


def test_delete_removes_the_run(api: httpx.Client) -> None:
    _upsert(api, "del1").raise_for_status()
    assert api.delete(_run_url("del1")).status_code == 204
    response = api.get(_run_url("del1"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.delete(_run_url("del1")).status_code == 404


def test_query_runs_with_filters_and_projects(api: httpx.Client) -> None:
    for i in range(3):
        _upsert(api, f"q{i}", project="query-test", config={"i": i}).raise_for_status()
    listed = api.get("/api/v1/runs/me/query-test").json()
    assert listed["total"] == 3 and {r["id"] for r in listed["runs"]} == {"q0", "q1", "q2"}
    filtered = api.get("/api/v1/runs/me/query-test", params={"filters": '{"config.i": {"$gte": 1}}'})
    assert {r["id"] for r in filtered.json()["runs"]} == {"q1", "q2"}
    paged = api.get("/api/v1/runs/me/query-test", params={"limit": 1, "offset": 1}).json()
    assert paged["total"] == 3 and len(paged["runs"]) == 1
    projects = api.get("/api/v1/projects", params={"entity": "me"}).json()["projects"]
    query_project = next(p for p in projects if p["name"] == "query-test")
    assert query_project["run_count"] == 3


def test_run_lists_can_leave_out_the_run_context(api: httpx.Client) -> None:
    # The workspace lists up to 1,000 runs per page; each run's context (git, host, environment,
    # command line) is for the run page only.
    session = uuid.uuid4().hex
    _upsert(api, "ctx", project="ctx-test", session_id=session, config={"lr": 0.1}).raise_for_status()
    meta = {
        "kind": "meta",
        "seq": 0,
        "metadata": {"host": "gpu-7", "git": {"commit": "abc123"}, "args": ["--lr", "0.1"]},
    }
    summary = {"kind": "summary", "seq": 1, "values": {"loss": 0.5}}
    records = {"session_id": session, "records": [meta, summary]}
    api.post(_run_url("ctx", "ctx-test") + "/records", json=records).raise_for_status()
    full = api.get("/api/v1/runs/me/ctx-test").json()["runs"][0]
    assert full["metadata"]["git"] == {"commit": "abc123"}
    light = api.get("/api/v1/runs/me/ctx-test", params={"metadata": "false"}).json()["runs"][0]
    assert light["metadata"] == {}
    assert (light["config"], light["summary"]) == ({"lr": 0.1}, {"loss": 0.5})


def test_bad_filters_name_the_field(api: httpx.Client) -> None:
    response = api.get("/api/v1/runs/me/query-test", params={"filters": "{not json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "filters" and "not valid JSON" in error["message"]


def test_invalid_ids_and_bodies_are_400_naming_the_field(api: httpx.Client) -> None:
    # wandb allows spaces in a run id but not / \ # ? % : (schema/names.py)
    response = api.put("/api/v1/runs/me/p/bad%3Aid", json={"session_id": "s"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "run_id"
    response = api.put(_run_url("ok1"), json={"resume": "sometimes"})
    error = response.json()["error"]
    assert response.status_code == 400 and error["field"] in ("session_id", "resume")
    response = api.put(_run_url("ok1"), json={"session_id": "s", "resume": "sometimes"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "resume"


def test_unknown_endpoint_is_an_error_body(api: httpx.Client) -> None:
    response = api.get("/api/v1/nope")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
