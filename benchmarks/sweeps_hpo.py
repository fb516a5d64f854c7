"""Sweeps, search quality and speed (issue 11): our bayes against random search and Optuna's TPE and GP.

For each problem of ``sweeps_problems`` (Branin, Hartmann-6, Rosenbrock-10 with log1p, a mixed space)
and each seed, a search of ``TRIALS`` trials; the number is the **median over seeds of the best-found
regret** after the last trial (and the share of seeds where bayes beat TPE). Regret does not depend
on the machine's load; the latency figures do, and carry the load average.

Modes:

- **end to end** (what RESULTS.md reports): for random and bayes, a local ``trackwell server`` and,
  per seed, a fresh process (``sweeps_child.py``) that calls ``trackwell.sweep(config)`` and then
  ``trackwell.agent(sweep_id, function=trial)``; each trial is ``trackwell.init()``, the objective of
  ``run.config``, ``run.log({"loss": y})``. The server's controller proposes (with its own seeds).
- ``--direct``: the engine's ``propose`` called in a loop with a controller-like seed per call
  (no server): the same search, for quick iteration. Numbers from this mode are labelled "direct".

TPE and GP are Optuna's ``TPESampler(seed=seed)`` and ``GPSampler(seed=seed)`` with their defaults, on
the same spaces (log-uniform floats as ``log=True``, ints, categoricals), run in process (two seeds at
a time, in worker processes; GPSampler needs PyTorch, a dev dependency, never the server's): they are
baselines, not our product. "Within reach of Optuna's GP" is read as: our median regret under 3x
GPSampler's on every problem (the ratio is a row of its own).

Also measured: the time of one bayes suggestion with 200 finished trials (10-d and the mixed space)
on one core (``taskset -c 0``, BLAS threads 1, CPU time of the process), target < 100 ms.

Run: ``.venv/bin/python -m benchmarks.sweeps_hpo [--direct] [--quick] [--seeds N] [--trials N]
[--problems branin,mixed] [--methods random,tpe,optuna_gp,bayes] [--cache FILE] [--write]``; ``--write`` puts
the numbers into RESULTS.md as ``make bench`` does (there it runs end to end). ``--cache FILE`` keeps each
method's per-seed regrets in FILE (JSON, per mode) and fills the methods not run now from it, so the
baselines (which do not change with our engine) can be measured once and bayes re-measured alone, the
table still holding all four.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import Result
from benchmarks.sweeps_problems import BY_NAME, PROBLEMS, Problem

NAME = "sweeps"
REPO = Path(__file__).resolve().parent.parent
SEEDS, TRIALS = 20, 50
METHODS = ("random", "tpe", "optuna_gp", "bayes")
# Optuna's samplers run in process: they are baselines, not our product.
OPTUNA = {"tpe": "TPESampler", "optuna_gp": "GPSampler"}
# reference/sweeps.md section 7: median regret at 50 trials, 20 seeds, measured by the reference's
# author with W&B's engine and Optuna 5.0 (its mixed space is of the same shape, not the same function).
ANCHOR = {
    "branin": {"W&B bayes": 0.0065, "Optuna GP": 0.00004},
    "hartmann6": {"W&B bayes": 0.34, "Optuna GP": 0.0038},
    "rosenbrock10": {"W&B bayes": 5.61, "Optuna GP": 4.92},
    "mixed": {"W&B bayes": 0.070, "Optuna GP": 0.00015},
}
LATENCY_TRIALS = 200


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


# -- direct mode: the engine in a loop ------------------------------------------------------------


def controller_seed(base: int, n: int) -> int:
    """The seed the controller hands ``propose`` for the n-th proposal (service/sweeps_leases.py)."""
    return (base + n * 7919) % (2**31 - 1)


def engine_search(problem: Problem, method: str, seed: int, trials: int) -> list[float]:
    """The objective values of ``trials`` proposals of our engine, fed back as finished trials."""
    from trackwell.service.sweep_engine import Trial, parse_config, propose

    spec = parse_config(problem.config(method))
    done: list[Any] = []
    ys: list[float] = []
    base = 1_000_003 * (seed + 1)
    for i in range(trials):
        proposal = propose(spec, done, seed=controller_seed(base, i))
        assert proposal is not None
        y = problem.objective(proposal.params)
        ys.append(y)
        done.append(Trial(f"s{seed}-t{i}", proposal.params, "finished", best=y, last=y, history=(y,)))
    return ys


def optuna_search(problem: Problem, seed: int, trials: int, sampler: str = "TPESampler") -> list[float]:
    """Optuna's ``sampler`` (``TPESampler`` or ``GPSampler``, defaults, ``seed=seed``) on the same space."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if sampler == "GPSampler":
        import torch

        torch.set_num_threads(1)  # one core per seed, as each of our seeds gets

    def objective(trial: optuna.Trial) -> float:
        params: dict[str, Any] = {}
        for name, raw in problem.parameters.items():
            if "values" in raw:
                params[name] = trial.suggest_categorical(name, raw["values"])
            elif raw.get("distribution") == "log_uniform_values":
                params[name] = trial.suggest_float(name, raw["min"], raw["max"], log=True)
            elif isinstance(raw["min"], int) and isinstance(raw["max"], int):
                params[name] = trial.suggest_int(name, raw["min"], raw["max"])
            else:
                params[name] = trial.suggest_float(name, raw["min"], raw["max"])
        return problem.objective(params)

    study = optuna.create_study(sampler=getattr(optuna.samplers, sampler)(seed=seed))
    study.optimize(objective, n_trials=trials)
    return [float(t.value) for t in study.trials if t.value is not None]


# -- end to end: sweep + agent against a local server ------------------------------------------------


def e2e_search(
    env: dict[str, str], root: Path, problem: Problem, method: str, seed: int, trials: int
) -> list[float]:
    work = root / f"{problem.name}-{method}-{seed}"
    work.mkdir(parents=True)
    spec = {"mode": "search", "problem": problem.name, "method": method, "trials": trials}
    spec["project"] = f"hpo-{problem.name}"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.sweeps_child", json.dumps(spec)],
        env=env | {"TRACKWELL_DIR": str(work)},  # the runs' folders go there, not into the checkout
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            got = json.loads(line[7:])
            return [float(y) for y in got["ys"]]
    raise RuntimeError(
        f"{problem.name}/{method}/seed {seed} failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    )


# -- the figures --------------------------------------------------------------------------------------


def regret_curve(ys: list[float], optimum: float) -> list[float]:
    best, out = math.inf, []
    for y in ys:
        best = min(best, y)
        out.append(best - optimum)
    return out


def quality(
    problems: list[Problem],
    methods: tuple[str, ...],
    seeds: int,
    trials: int,
    search: Callable[..., list[float]],
    workers: int = 1,
) -> dict[str, dict[str, list[float]]]:
    """problem -> method -> final regret per seed; ``search(problem, method, seed, trials)``, seeds
    run ``workers`` at a time (end to end: each seed is its own process and sweep)."""
    out: dict[str, dict[str, list[float]]] = {}
    for problem in problems:
        out[problem.name] = {}
        for method in methods:
            t0 = time.perf_counter()

            def one(seed: int, problem: Problem = problem, method: str = method) -> list[float]:
                return search(problem, method, seed, trials)

            if method in OPTUNA:  # in process: seeds in ``workers`` processes (GPSampler holds the GIL)
                with ProcessPoolExecutor(workers) as procs:
                    runs = list(
                        procs.map(
                            optuna_search,
                            [problem] * seeds,
                            range(seeds),
                            [trials] * seeds,
                            [OPTUNA[method]] * seeds,
                        )
                    )
            else:
                with ThreadPoolExecutor(workers) as pool:
                    runs = list(pool.map(one, range(seeds)))
            finals = []
            for seed, ys in enumerate(runs):
                if len(ys) != trials:
                    raise RuntimeError(f"{problem.name}/{method}/seed {seed}: {len(ys)} trials, not {trials}")
                finals.append(regret_curve(ys, problem.optimum)[-1])
            out[problem.name][method] = finals
            print(
                f"   {problem.name:13s} {method:7s} median regret {np.median(finals):.3g} "
                f"({time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
    return out


def latency(problem: Problem, n: int = LATENCY_TRIALS, repeats: int = 7) -> dict[str, float]:
    """CPU seconds of one bayes suggestion with ``n`` finished random trials, in a one-core child."""
    spec = {"mode": "latency", "problem": problem.name, "n": n, "repeats": repeats}
    one_core = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "benchmarks.sweeps_child", json.dumps(spec)]
    if _has_taskset():
        command = ["taskset", "-c", "0", *command]
    proc = subprocess.run(
        command, env=os.environ | one_core, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    raise RuntimeError(f"latency child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")


def _has_taskset() -> bool:
    try:
        return subprocess.run(["taskset", "-c", "0", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


def results(table: dict[str, dict[str, list[float]]], mode: str, trials: int, seeds: int) -> list[Result]:
    out = []
    for name, by_method in table.items():
        medians = {m: float(np.median(v)) for m, v in by_method.items()}
        for method, value in medians.items():
            q1, q3, worst = np.percentile(by_method[method], [25, 75, 100])
            target, note = "", f"{mode}; {seeds} seeds; quartiles {q1:.3g}-{q3:.3g}, worst {worst:.3g}"
            if method == "bayes":
                rivals = [medians[m] for m in ("random", "tpe") if m in medians]
                target = f"< {min(rivals):.3g}" if rivals else ""
                if "tpe" in by_method:
                    wins = np.mean(np.array(by_method["bayes"]) < np.array(by_method["tpe"]))
                    note += f"; beats TPE on {wins:.0%} of seeds"
                anchor = ANCHOR.get(name, {})
                note += "; reference: " + ", ".join(f"{k} {v:g}" for k, v in anchor.items())
            out.append(
                Result(NAME, f"{name}: median regret at {trials} trials, {method}", value, "", target, note)
            )
        if "bayes" in medians and "optuna_gp" in medians:
            ratio = medians["bayes"] / max(medians["optuna_gp"], 1e-300)
            wins = np.mean(np.array(by_method["bayes"]) < np.array(by_method["optuna_gp"]))
            out.append(
                Result(
                    NAME,
                    f"{name}: bayes median regret / Optuna GP's",
                    ratio,
                    "x",
                    "< 3",
                    f"within reach of Optuna's GPSampler; bayes beats it on {wins:.0%} of seeds",
                )
            )
    return out


def _with_cache(
    table: dict[str, dict[str, list[float]]], path: str | None, mode: str
) -> dict[str, dict[str, list[float]]]:
    """``table`` plus the cached methods of its problems it lacks; the cache updated with ``table``."""
    if not path:
        return table
    file = Path(path)
    stored: dict[str, Any] = json.loads(file.read_text()) if file.exists() else {}
    cached = stored.setdefault(mode, {})
    for name, by_method in table.items():
        cached.setdefault(name, {}).update(by_method)
    file.write_text(json.dumps(stored, indent=1) + "\n")
    return {name: {m: cached[name][m] for m in METHODS if m in cached[name]} for name in table}


def main(quick: bool = False, direct: bool = False, **opts: Any) -> list[Result]:
    seeds = int(opts.get("seeds") or (5 if quick else SEEDS))
    trials = int(opts.get("trials") or (30 if quick else TRIALS))
    problems = [BY_NAME[p] for p in opts["problems"]] if opts.get("problems") else PROBLEMS
    methods = tuple(opts.get("methods") or METHODS)
    out: list[Result] = []
    start_load = load()
    if direct:
        table = quality(problems, methods, seeds, trials, engine_search, workers=2)
        mode = "direct (engine in a loop, no server)"
        out += results(_with_cache(table, opts.get("cache"), f"{mode}/{seeds}x{trials}"), mode, trials, seeds)
    else:
        from tests.fixtures.live_server import LiveServer

        with tempfile.TemporaryDirectory(prefix="tw-sweeps-hpo-") as tmp:
            root = Path(tmp)
            server = LiveServer(root / "server").start()
            try:
                env = server.sdk_env(root / "config")
                table = quality(
                    problems,
                    methods,
                    seeds,
                    trials,
                    lambda p, m, s, n: e2e_search(env, root / "runs", p, m, s, n),
                    workers=2,
                )
            finally:
                server.stop()
        mode = "end to end (sweep + agent, local server)"
        out += results(_with_cache(table, opts.get("cache"), f"{mode}/{seeds}x{trials}"), mode, trials, seeds)
    for name in ("rosenbrock10", "mixed"):
        got = latency(BY_NAME[name])
        out.append(
            Result(
                NAME,
                f"bayes suggestion at {LATENCY_TRIALS} finished trials, {name} (one core, CPU time)",
                got["cpu"] * 1000,
                "ms",
                "< 100",
                f"median of 7; slowest {got['cpu_max'] * 1000:.0f} ms; "
                f"wall {got['wall'] * 1000:.0f} ms; {load()}",
            )
        )
    print(f"   load at start: {start_load}; at end: {load()}")
    return out


def _cli() -> None:
    args = sys.argv[1:]

    def value(flag: str) -> str | None:
        return args[args.index(flag) + 1] if flag in args else None

    problems, methods = value("--problems"), value("--methods")
    got = main(
        quick="--quick" in args,
        direct="--direct" in args,
        seeds=value("--seeds"),
        trials=value("--trials"),
        problems=problems.split(",") if problems else None,
        methods=methods.split(",") if methods else None,
        cache=value("--cache"),
    )
    for r in got:
        print(
            f"{r.metric}: {r.value:.4g} {r.unit} {('(target ' + r.target + ')') if r.target else ''} {r.note}"
        )
    if "--write" in args:  # into RESULTS.md, as run_all does for its modules
        from benchmarks.common import merge_results, write_results

        write_results(merge_results(got), "make bench")


if __name__ == "__main__":
    _cli()
