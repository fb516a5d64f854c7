"""One step of ``sweeps_hpo`` in a fresh interpreter; prints one ``RESULT {json}`` line.

``{"mode": "search", "problem": ..., "method": ..., "trials": N, "project": ...}``: one end-to-end
HPO search written as a user's sweep script: ``trackwell.sweep(config)``, then
``trackwell.agent(sweep_id, function=trial, count=N)`` against the server of ``TRACKWELL_BASE_URL``;
each trial reads its parameters from ``run.config`` and logs the objective. The result: the
objective values in trial order and the wall time per trial.

``{"mode": "latency", "problem": ..., "n": 200, "repeats": 7}``: the CPU time of one bayes
suggestion with ``n`` finished random trials (the caller pins this process to one core); the first
call, which pays the imports, is left out.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import trackwell as wandb
from benchmarks.sweeps_problems import BY_NAME


def latency(spec: dict[str, Any]) -> dict[str, float]:
    from trackwell.service.sweep_engine import Trial, parse_config
    from trackwell.service.sweep_engine.bayes import suggest
    from trackwell.service.sweep_engine.distributions import sample

    problem = BY_NAME[spec["problem"]]
    sweep = parse_config(problem.config("bayes"))
    rng = random.Random(0)
    trials = []
    for i in range(int(spec["n"])):
        params = {p.name: sample(p, rng) for p in sweep.params}
        y = problem.objective(params)
        trials.append(Trial(str(i), params, "finished", best=y, last=y))
    suggest(sweep, trials, seed=0)
    cpu, wall = [], []
    for k in range(int(spec["repeats"])):
        c, w = time.process_time(), time.perf_counter()
        suggest(sweep, trials, seed=k + 1)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    cpu.sort()
    wall.sort()
    return {"cpu": cpu[len(cpu) // 2], "cpu_max": cpu[-1], "wall": wall[len(wall) // 2]}


def search(spec: dict[str, Any]) -> dict[str, Any]:
    problem = BY_NAME[spec["problem"]]
    ys: list[float] = []

    def trial() -> None:
        run = wandb.init()
        params = {name: run.config[name] for name in problem.parameters}
        y = problem.objective(params)
        run.log({"loss": y})
        ys.append(y)
        run.finish()

    t0 = time.perf_counter()
    for attempt in range(3):  # a server on a loaded machine can miss the SDK's timeout once
        try:
            sweep_id = wandb.sweep(problem.config(spec["method"]), project=spec["project"])
            break
        except Exception:
            if attempt == 2:
                raise
            time.sleep(5)
    wandb.agent(sweep_id, function=trial, count=int(spec["trials"]))
    wall = time.perf_counter() - t0
    return {"ys": ys, "sweep": sweep_id, "seconds_per_trial": wall / max(len(ys), 1)}


def main() -> None:
    spec = json.loads(sys.argv[1])
    out = latency(spec) if spec["mode"] == "latency" else search(spec)
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
