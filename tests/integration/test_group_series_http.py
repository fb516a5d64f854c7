"""Grouped chart statistics over HTTP (``POST /api/v1/projects/{e}/{p}/group-series``) on a live
server: a group of 40 runs is averaged over all 40 (a chart draws 20 runs at most by default), the
runs list's filter selects the runs, and a bad group key is a 400 naming the field."""

from __future__ import annotations

import uuid

import httpx
import pytest

P = "grouphttp"
URL = f"/api/v1/projects/me/{P}/group-series"


def _run(api: httpx.Client, run_id: str, group: str, lr: float, offset: float) -> None:
    session = uuid.uuid4().hex
    api.put(
        f"/api/v1/runs/me/{P}/{run_id}", json={"session_id": session, "group": group, "config": {"lr": lr}}
    ).raise_for_status()
    records = [
        {
            "kind": "history",
            "seq": s,
            "step": s,
            "timestamp": 1000.0 + s,
            "runtime": float(s),
            "values": {"loss": offset + s},
        }
        for s in range(5)
    ]
    api.post(
        f"/api/v1/runs/me/{P}/{run_id}/records", json={"session_id": session, "records": records}
    ).raise_for_status()


def test_group_mean_counts_every_run_and_follows_the_filter(api: httpx.Client) -> None:
    for i in range(40):
        _run(api, f"big{i}", "big", 0.1 if i % 2 else 0.01, float(i))
    for i in range(3):
        _run(api, f"small{i}", "small", 0.1, 100.0 + i)
    r = api.post(URL, json={"group_by": ["group"], "keys": ["loss"], "samples": 100})
    assert r.status_code == 200, r.text
    body = r.json()
    groups = {tuple(g["values"]): g for g in body["groups"]}
    assert body["total_runs"] == 43 and groups[("big",)]["runs"] == 40
    big = groups[("big",)]["series"][0]
    assert big["x"] == [0, 1, 2, 3, 4]
    assert big["mean"] == pytest.approx([19.5 + s for s in range(5)])  # mean of 0..39, plus the step
    assert big["min"] == [0, 1, 2, 3, 4] and big["max"] == [39, 40, 41, 42, 43]
    assert big["count"] == [40] * 5
    # The filter the runs table uses, and two keys at once.
    r = api.post(
        URL,
        json={"group_by": ["group", "config.lr"], "keys": ["loss"], "filters": {"config.lr": {"$gt": 0.05}}},
    )
    assert r.status_code == 200, r.text
    picked = {tuple(g["values"]): g["runs"] for g in r.json()["groups"]}
    assert picked == {("big", 0.1): 20, ("small", 0.1): 3}


def test_bad_group_key_is_a_400_naming_the_field(api: httpx.Client) -> None:
    _run(api, "one", "g", 0.1, 0.0)
    r = api.post(URL, json={"group_by": ["lr"], "keys": ["loss"]})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["field"] == "group_by" and "config.<key>" in error["hint"]
    r = api.post(URL, json={"group_by": ["group"], "keys": ["loss"], "filters": {"config.lr": {"$bad": 1}}})
    assert r.status_code == 400, r.text


def test_group_summary_bars_over_every_run(api: httpx.Client) -> None:
    """``POST .../group-summary``: a grouped bar panel's mean and band of a summary metric per group,
    over every run (40 in one group), and a bad field is a 400 naming it."""
    for i in range(40):
        _run(api, f"sum{i}", "big" if i < 30 else "small", 0.1, float(i))
        api.patch(f"/api/v1/runs/me/{P}/sum{i}", json={"summary": {"best": i}}).raise_for_status()
    url = f"/api/v1/projects/me/{P}/group-summary"
    r = api.post(
        url,
        json={
            "group_by": ["group"],
            "fields": ["summary.best"],
            "filters": {"summary_metrics.best": {"$gte": 0}},
        },
    )
    assert r.status_code == 200, r.text
    groups = {tuple(g["values"]): g for g in r.json()["groups"]}
    big = groups[("big",)]
    assert big["runs"] == 30
    best = big["fields"][0]
    assert (best["count"], best["mean"], best["min"], best["max"]) == (30, 14.5, 0, 29)
    assert best["std"] == pytest.approx(8.8034084, rel=1e-6)
    r = api.post(url, json={"group_by": ["group"], "fields": ["best"]})
    assert r.status_code == 400 and r.json()["error"]["field"] == "fields"
