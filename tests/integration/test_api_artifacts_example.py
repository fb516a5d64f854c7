"""``examples/31_artifacts_query_api.py`` runs as a user runs it (a fresh process against a live
server) and prints what W&B's public-API recipes print: versions with aliases and size, the run
that logged each and the runs that used it, a downloaded production model, a moved alias. A second
run logs no new version."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_handbook_tracking import run_example
from tests.fixtures.live_server import LiveServer

EXAMPLE = "31_artifacts_query_api.py"


def test_the_artifacts_query_example_runs_and_shows_lineage(server: LiveServer, tmp_path: Path) -> None:
    first = run_example(server, tmp_path, EXAMPLE, TRACKWELL_SILENT="true")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "digit-classifier (model)" in out
    assert re.search(r"digit-classifier:v0 aliases=\[.*'production'.*\] size=\d+ bytes", out), out
    logged_by = re.search(r"logged by: (\S+)", out)
    used_by = re.search(r"used by:   \[(.+)\]", out)
    assert logged_by and used_by, out
    assert "production model in " in out and "['weights.txt']" in out
    assert "staging is v0" in out
    assert re.search(r"\(data\): logged \['mnist-sample:v0'\], used \[\]", out), out
    assert re.search(r"\(train\): logged \['digit-classifier:v0'\], used \['mnist-sample:v0'\]", out), out
    assert re.search(r"\(eval\): logged \[\], used \['digit-classifier:v0'\]", out), out
    # The training run logged the model; the evaluation run used it.
    train_name = re.search(r"run (\S+) \(train\)", out)
    eval_name = re.search(r"run (\S+) \(eval\)", out)
    assert train_name and eval_name
    assert logged_by.group(1) == train_name.group(1)
    assert eval_name.group(1) in used_by.group(1)
    # Again: equal content makes no new version.
    second = run_example(server, tmp_path, EXAMPLE, TRACKWELL_SILENT="true")
    assert second.returncode == 0, second.stderr
    assert "digit-classifier:v1" not in second.stdout and "mnist-sample:v1" not in second.stdout
