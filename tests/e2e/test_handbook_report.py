"""The handbook's module 6 as a user meets it (issue 16, "Done means"): after the sweep (06) and the
artifacts (08, 09), ``examples/40_report.py`` writes the report that tells their story through the
Python API: the hypothesis, a live chart of the sweep's runs grouped by optimizer, the parallel
coordinates, the model's lineage and the next action. Read back from the server it holds exactly
that; run again it saves a new version of the same report; and its run set, being a query rather
than a copy, takes in a run logged afterwards. (The browser side of the same story, with the chart
redrawn live and the public link, is web/e2e/reports*.e2e.ts.)"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import trackwell
import trackwell.reports as wr
from tests.e2e.test_handbook_tracking import run_example
from tests.fixtures.live_server import LiveServer
from trackwell.schema.names import url_path
from trackwell.schema.quick_filter import parse_quick_filter

pytestmark = pytest.mark.e2e


def _run(server: LiveServer, tmp_path: Any, name: str) -> str:
    proc = run_example(server, tmp_path, name)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _runset_run_names(server: LiveServer, runset: wr.Runset, entity: str) -> list[str]:
    """The runs a run set selects now, as the live report asks for them."""
    project = runset.project or "sweep-demo"
    api: Any = trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)
    runs = list(api.runs(f"{entity}/{project}"))
    config_keys = {k for r in runs for k in r.config}
    summary_keys = {k for r in runs for k in r.summary}
    query = parse_quick_filter(runset.filters, config_keys, summary_keys)
    answer = httpx.get(
        f"{server.url}/api/v1/runs/{url_path(entity)}/{url_path(project)}",
        params={"filters": json.dumps(query)} if query else None,
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    assert answer.status_code == 200, answer.text
    return sorted(r["display_name"] for r in answer.json()["runs"])


def test_the_sweep_and_artifacts_story_is_written_as_a_live_report(
    live_server: LiveServer, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKWELL_DATA_DIR", str(live_server.data_dir))  # this process finds it too
    for name in ("06_sweep_bayes.py", "08_artifact_log.py", "09_artifact_use.py"):
        _run(live_server, tmp_path, name)
    url = _run(live_server, tmp_path, "40_report.py").strip().rsplit("report: ", 1)[-1]

    report = wr.Report.from_url(url)
    assert report.title == "Does AdamW beat SGD on the fraud model?"
    assert report.status == "published" and report.version == 1
    headings = [b.text for b in report.blocks if isinstance(b, wr.H1 | wr.H2)]
    assert headings[0] == "Hypothesis" and "Conclusion" in headings
    sweep_grid, lineage_grid = [b for b in report.blocks if isinstance(b, wr.PanelGrid)]
    (runset,) = sweep_grid.runsets
    assert runset.groupby == ["config.optimizer"] and runset.filters == "state=finished"
    kinds = [type(p).__name__ for p in sweep_grid.panels]
    assert kinds == ["LinePlot", "BarPlot", "ParallelCoordinatesPlot"]
    (lineage,) = lineage_grid.panels
    assert isinstance(lineage, wr.ArtifactLineage) and lineage.artifact == "fraud-model:latest"
    assert lineage_grid.runsets[0].project == "artifact-demo"
    assert any(isinstance(b, wr.CalloutBlock) for b in report.blocks)

    # Run again: the same report, a new version, nothing duplicated.
    assert _run(live_server, tmp_path, "40_report.py").strip().endswith(url)
    listed = wr.list_reports("sweep-demo", report.entity)
    assert [(r["id"], r["version"]) for r in listed] == [(report.id, 2)]

    # The run set is a query: a run logged after the report was written is in it.
    before = _runset_run_names(live_server, runset, report.entity)
    assert len(before) == 12
    with trackwell.init(project="sweep-demo", name="adamw-rerun", config={"optimizer": "adamw"}) as run:
        run.log({"val/accuracy": 0.93})
    assert _runset_run_names(live_server, runset, report.entity) == sorted([*before, "adamw-rerun"])
