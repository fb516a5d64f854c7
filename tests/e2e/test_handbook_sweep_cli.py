"""The handbook's command-line sweep, run as its comment says: ``trackwell sweep 06_sweep_cli.yaml``
then ``trackwell agent SWEEP_ID --count 3`` in the folder that holds ``06_sweep_cli_train.py``,
against a real server found the zero-setup way. Three runs join the sweep, each with the values
the controller proposed in its config (types kept), and each logged its ``val/loss``.

Run for the product's copy in ``examples/`` and, when present, the handbook's own copy (read-only:
both files are copied into the test's folder, where the trials write their run dirs).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.integration.test_sweep_cli import cli_env, get_sweep, run_cli, sweep_runs

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HANDBOOK = Path("/work/shared/handbook/examples")
FILES = ("06_sweep_cli.yaml", "06_sweep_cli_train.py")


@pytest.mark.parametrize("source", [EXAMPLES, HANDBOOK], ids=["examples", "handbook"])
def test_sweep_then_agent_count_3_runs_three_trials_of_the_handbook_program(
    live_server: LiveServer, tmp_path: Path, source: Path
) -> None:
    if not all((source / name).is_file() for name in FILES):
        pytest.skip(f"{source} does not hold {' and '.join(FILES)}")
    work = tmp_path / "work"
    work.mkdir()
    for name in FILES:
        shutil.copy(source / name, work / name)
    env = cli_env(live_server, tmp_path)

    created = run_cli("sweep", "06_sweep_cli.yaml", cwd=work, env=env)
    assert created.returncode == 0, created.stderr
    sweep_path = created.stdout.strip()
    entity, project, sweep_id = sweep_path.split("/")
    assert project == "uncategorized"  # the YAML names no project: init()'s default, as in W&B
    assert f"trackwell agent {sweep_path}" in created.stderr

    agent = run_cli("agent", sweep_path, "--count", "3", cwd=work, env=env, timeout=300)
    assert agent.returncode == 0, agent.stdout[-3000:] + agent.stderr[-3000:]

    trials = sweep_runs(live_server, sweep_path)
    assert len(trials) == 3
    api: Any = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    for trial in trials:
        run = api.run(f"{entity}/{project}/{trial['run_id']}")
        assert run.state == "finished"
        lr, batch = run.config["learning_rate"], run.config["batch_size"]
        assert (lr, batch) == (trial["params"]["learning_rate"], trial["params"]["batch_size"])
        assert isinstance(lr, float) and 1e-5 <= lr <= 1e-2
        assert type(batch) is int and batch in (32, 64, 128)
        # the program's own loss of its last epoch, computed from the proposed values
        expected = abs(math.log10(lr) + 3.0) + 1.0 / 3 + batch / 1000
        assert run.summary["val/loss"] == pytest.approx(expected)
        assert trial["value"] == pytest.approx(
            min(r["val/loss"] for r in run.scan_history(keys=["val/loss"]))
        )
    assert get_sweep(live_server, sweep_path)["run_count"] == 3
    assert (work / "trackwell" / f"sweep-{sweep_id}").is_dir()  # the parameter files, beside the run dirs
