"""A server restart under a running command-line agent: the trial goes on, the agent's heartbeats
fail and are retried, and once the server is back the agent reports the trial and takes the next,
losing nothing."""

from __future__ import annotations

import time
from pathlib import Path

from tests.fixtures.live_server import LiveServer
from tests.integration.test_sweep_cli import (
    TIMEOUT,
    agent_output,
    cli_env,
    create_sweep,
    start_agent,
    sweep_runs,
    wait_for,
    write_sweep,
)

SLOW_TRIAL = """
import time
import trackwell
with trackwell.init() as run:
    open("ready-" + run.id, "w").close()
    for step in range(4):
        run.log({"loss": 1.0 / (step + 1)})
        time.sleep(1.0)
"""


def test_the_agent_rides_out_a_server_restart(live_server: LiveServer, tmp_path: Path) -> None:
    env = cli_env(live_server, tmp_path)
    config = {"program": "slow.py", "method": "grid", "parameters": {"x": {"values": [1, 2]}}}
    sweep_path = create_sweep(write_sweep(tmp_path, config, SLOW_TRIAL), env, "-p", "cli-restart")
    agent = start_agent(sweep_path, "--count", "2", cwd=tmp_path, env=env)
    try:
        wait_for(lambda: list(tmp_path.glob("ready-*")), what="the first trial")
        live_server.kill()  # gone as in a crash, mid-trial
        wait_for(lambda: "heartbeat failed" in agent_output(tmp_path), timeout=30, what="a failed heartbeat")
        time.sleep(1.0)
        live_server.start()  # same port, same data
        code = agent.wait(TIMEOUT)
    finally:
        agent.kill()
    out = agent_output(tmp_path)
    assert code == 0, out
    assert "the server answers again" in out
    trials = sweep_runs(live_server, sweep_path)
    assert sorted(t["params"]["x"] for t in trials) == [1, 2]
    assert [t["state"] for t in trials] == ["finished", "finished"], trials
