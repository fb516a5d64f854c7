"""`make demo`: a fresh server on its own data directory, the product's examples (`examples/`, the
handbook's flows) run into it, and the address to look at them.

The examples run exactly as users run them (`python <example>.py`, `import trackwell as wandb`);
the only thing set is TRACKWELL_DATA_DIR, so `init()` finds the demo server the zero-setup way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from trackwell.sdk.api_client import ApiClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEMO = ROOT / ".demo"
DATA_DIR = DEMO / "data"
PORT = os.environ.get("TRACKWELL_DEMO_PORT", "7077")

# Every example runs, in name order (30_query_api reads back what the others logged). These end
# with an error on purpose:
FAILS_ON_PURPOSE = {"15_orphaned_run.py": "its run must end as failed"}
# Not run as a script of its own: the program the command-line sweep agent starts for each trial.
AGENT_PROGRAMS = {"06_sweep_cli_train.py"}
# The handbook's examples not runnable yet, by what they wait for (none: 10-12 train real models
# through the framework integrations, installed by `make deps`).
NOT_YET: dict[str, str] = {}


def stop_previous_server() -> None:
    info = DATA_DIR / "server.json"
    if not info.exists():
        return
    try:
        pid = int(json.loads(info.read_text())["pid"])
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
    except (ProcessLookupError, ValueError, KeyError, json.JSONDecodeError):
        pass


def free_port(preferred: str) -> str:
    """The preferred port when nothing listens there, else "0" (any free port): a machine that
    already runs a trackwell server on 7077 (any training script starts one) still gets a demo."""
    if preferred == "0":
        return preferred
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", int(preferred)))
        except OSError:
            print(f"port {preferred} is in use; the demo server takes a free port instead")
            return "0"
    return preferred


def start_server() -> dict[str, str]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "server.json").unlink(missing_ok=True)  # left by a server that is gone
    log = (DEMO / "server.log").open("ab")
    subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trackwell",
            "server",
            "--data-dir",
            str(DATA_DIR),
            "--port",
            free_port(PORT),
            "--host",
            "127.0.0.1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        info = DATA_DIR / "server.json"
        if info.exists():
            return dict(json.loads(info.read_text()))
        time.sleep(0.1)
    sys.exit(f"The demo server did not start; see {DEMO / 'server.log'}")


def run_examples(env: dict[str, str]) -> list[tuple[str, bool, str]]:
    results = []
    workdir = DEMO / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    for script in sorted(EXAMPLES.glob("*.py")):
        name = script.name
        if name in AGENT_PROGRAMS:
            continue
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(script)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        results.append(report(name, proc, time.monotonic() - start))
        if name == "06_sweep_bayes.py":
            results.append(run_cli_sweep(env, workdir))
    return results


def run_cli_sweep(env: dict[str, str], workdir: Path) -> tuple[str, bool, str]:
    """The handbook's YAML sweep the way its README says: `trackwell sweep 06_sweep_cli.yaml`, then
    `trackwell agent SWEEP_ID --count 3`, from the examples folder (the config names its program
    relative to it); run folders go to the demo's work folder (WANDB_DIR)."""
    start = time.monotonic()
    cli = [sys.executable, "-m", "trackwell"]
    cli_env = {**env, "WANDB_DIR": str(workdir), "WANDB_PROJECT": "sweep-cli-demo"}
    created = subprocess.run(
        [*cli, "sweep", "06_sweep_cli.yaml"], cwd=EXAMPLES, env=cli_env, capture_output=True, text=True
    )
    # `trackwell sweep` prints the sweep's path alone on stdout (its messages go to stderr).
    sweep_path = created.stdout.strip().splitlines()[-1] if created.stdout.strip() else None
    if created.returncode == 0 and not sweep_path:
        created = subprocess.CompletedProcess(created.args, 1, created.stdout, "no sweep path printed")
    proc = created
    if created.returncode == 0 and sweep_path:
        proc = subprocess.run(
            [*cli, "agent", sweep_path, "--count", "3"],
            cwd=EXAMPLES,
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    return report("06_sweep_cli.yaml (trackwell sweep + agent)", proc, time.monotonic() - start)


def report(name: str, proc: subprocess.CompletedProcess[str], took: float) -> tuple[str, bool, str]:
    why_it_fails = FAILS_ON_PURPOSE.get(name)
    ok = (proc.returncode == 0) == (why_it_fails is None)
    note = f"{took:4.1f}s" + ("" if why_it_fails is None else f"  (fails on purpose: {why_it_fails})")
    if not ok:
        note += "\n" + (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    print(f"  {'ok ' if ok else 'FAIL'} {name:34s} {note}", flush=True)
    return name, ok, note


def main() -> int:
    if not EXAMPLES.is_dir():
        sys.exit(f"Examples not found at {EXAMPLES}: is this a complete checkout?")
    stop_previous_server()
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir(parents=True)
    info = start_server()
    url = info["url"]
    key = (DATA_DIR / "local-api-key").read_text().strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(TRACKWELL_DATA_DIR=str(DATA_DIR), WANDB_API_KEY=key, PYTHONUNBUFFERED="1")
    print(f"Trackwell demo server: {url} (data in {DATA_DIR})\nRunning the examples (examples/):", flush=True)
    results = run_examples(env)
    for name, why in NOT_YET.items():
        print(f"  later {name:34s} needs {why}, not built yet")
    venv_bin = Path(sys.executable).parent
    with ApiClient(url, key) as client:
        login_link = client.login_link().url
    print(
        f"""
Open the UI (this sign-in link works once; `trackwell ui` makes a new one):
               {login_link}
List runs:     TRACKWELL_DATA_DIR={DATA_DIR} {venv_bin}/trackwell runs ls my-project
Query in Python:
    import trackwell; api = trackwell.Api()   # with TRACKWELL_DATA_DIR={DATA_DIR}
    for run in api.runs("my-project"): print(run.name, run.state, run.summary)
Stop it:       {venv_bin}/trackwell server stop --data-dir {DATA_DIR}
"""
    )
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
