"""``wandb.Api()`` of the official client reads and edits runs on a Trackwell server (section 3.11):
runs with filters and paging, a run's config/summary/history in every form, files and downloads,
and the public API's edits (summary, tags)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.wandb_client import ok, run_official

LOG = """
import wandb
for i, lr in enumerate([0.1, 0.01, 0.001]):
    run = wandb.init(project="reads", name=f"lr-{lr}", config={"lr": lr, "i": i}, reinit="finish_previous")
    for step in range(30):
        wandb.log({"loss": lr * (30 - step), "acc": step / 30, "nest": {"x": step}})
    run.summary["best"] = lr
    run.finish()
"""

READ = """
import json, sys, wandb
api = wandb.Api()
entity = api.default_entity
out = {"entity": entity}
runs = api.runs(f"{entity}/reads", filters={"config.lr": {"$lt": 0.05}}, order="+config.lr", per_page=1)
out["filtered"] = [r.name for r in runs]
run = api.run(f"{entity}/reads/" + runs[0].id)
out["config"] = dict(run.config)
out["summary_best"] = run.summary["best"]
out["sampled"] = run.history(keys=["loss"], samples=4, pandas=False)
out["scan"] = [row["loss"] for row in run.scan_history(keys=["loss"], page_size=7)]
out["scan_nested"] = [row["nest"] for row in run.scan_history(keys=["nest"])][:3]
out["files"] = sorted(f.name for f in run.files())
path = run.file("wandb-metadata.json").download(root=sys.argv[1], replace=True).name
out["downloaded"] = json.load(open(path))["program"].endswith("official_script.py")
run.summary["edited"] = 7
run.summary.update()
run.tags = ["edited-tag"]
run.update()
out["run_id"] = run.id
print("FACTS" + json.dumps(out))
"""


@pytest.fixture
def api(live_server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)


def test_the_public_api_reads_runs_history_and_files_and_edits_a_run(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    ok(run_official(live_server, tmp_path, LOG))
    proc = ok(run_official(live_server, tmp_path, READ.replace("sys.argv[1]", repr(str(tmp_path / "dl")))))
    facts = json.loads(proc.stdout.split("FACTS", 1)[1].strip().splitlines()[0])

    assert facts["filtered"] == ["lr-0.001", "lr-0.01"]  # filter and order applied, paged 1 by 1
    assert facts["config"] == {"lr": 0.001, "i": 2}
    assert facts["summary_best"] == 0.001
    sampled = facts["sampled"]
    assert len(sampled) == 4 and sampled[0] == {"_step": 0, "loss": pytest.approx(0.03)}
    assert sampled[-1]["_step"] == 29
    assert facts["scan"] == pytest.approx([0.001 * (30 - s) for s in range(30)])
    assert facts["scan_nested"] == [{"x": 0}, {"x": 1}, {"x": 2}]
    assert {"wandb-metadata.json", "config.yaml", "wandb-summary.json"} <= set(facts["files"])
    assert facts["downloaded"] is True

    stored = api.run(f"{facts['entity']}/reads/{facts['run_id']}")
    assert stored.summary["edited"] == 7 and stored.summary["best"] == 0.001
    assert stored.tags == ["edited-tag"]
