"""What the XGBoost and LightGBM callbacks cost a boosting round: round time with and without them.

A tiny model (2,000 rows x 10 features, depth-3 trees, one thread, a train and a validation set
evaluated every round) is trained for 200 rounds with and without the callback, the variants
interleaved so drift on a shared machine hits each alike; the callback logs one history row per
round to an offline run (feature importance off: it is one table after training, not per round).
Reported: median CPU time per round of each and the callback's overhead, twice: on the training
thread (what the training loop waits for: the callback and ``log()``'s hand-off; target < 1%) and
on the whole process (adding the SDK's writer thread, which serializes and stores the row on
another core).

Because two trainings of the same model differ by a few percent on a loaded machine, the callback
is also timed alone (calls with a fixed evaluation log, on the training thread) and set against
a round's time: that share is the steadier number.

CPU time, not wall time: on a loaded machine other processes inflate wall time but not this. The
load average is printed with the numbers.

Run: ``.venv/bin/python -m benchmarks.integration_boosting_bench [--quick]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Result

ROUNDS = 200


def _data() -> tuple[Any, Any]:
    from sklearn import datasets

    return datasets.make_classification(n_samples=2000, n_features=10, random_state=0)  # type: ignore[no-any-return]


def _xgboost(with_callback: bool) -> Callable[[], None]:
    import xgboost as xgb

    from trackwell.integration.xgboost import WandbCallback

    X, y = _data()  # noqa: N806
    train, valid = xgb.DMatrix(X[:1500], label=y[:1500]), xgb.DMatrix(X[1500:], label=y[1500:])
    params = {"max_depth": 3, "nthread": 1, "objective": "binary:logistic", "eval_metric": "logloss"}

    def fit() -> None:
        callbacks = [WandbCallback(log_feature_importance=False)] if with_callback else []
        xgb.train(
            params,
            train,
            ROUNDS,
            evals=[(train, "train"), (valid, "valid")],
            verbose_eval=False,
            callbacks=callbacks,
        )

    return fit


def _lightgbm(with_callback: bool) -> Callable[[], None]:
    import lightgbm

    from trackwell.integration.lightgbm import wandb_callback

    X, y = _data()  # noqa: N806
    params = {"objective": "binary", "max_depth": 3, "num_leaves": 8, "num_threads": 1, "verbosity": -1}

    def fit() -> None:
        train = lightgbm.Dataset(X[:1500], label=y[:1500])
        valid = lightgbm.Dataset(X[1500:], label=y[1500:], reference=train)
        callbacks = [wandb_callback()] if with_callback else []
        lightgbm.train(params, train, ROUNDS, valid_sets=[train, valid], callbacks=callbacks)

    return fit


def _per_round(fit: Callable[[], None]) -> tuple[float, float]:
    """(CPU seconds per round of the training thread, of the whole process)."""
    thread, process = time.thread_time(), time.process_time()
    fit()
    return (time.thread_time() - thread) / ROUNDS, (time.process_time() - process) / ROUNDS


def _callback_call(name: str) -> float:
    """Median training-thread µs of one callback call (one round's row), blocks of 2,000 calls:
    the callback alone, without the training's own noise around it."""
    from types import SimpleNamespace

    if name.startswith("XGBoost"):
        from trackwell.integration.xgboost import WandbCallback

        xgb_callback = WandbCallback(log_feature_importance=False)
        evals = {"train": {"logloss": [0.5] * 10}, "valid": {"logloss": [0.6] * 10}}

        def call(i: int) -> None:
            xgb_callback.after_iteration(None, i, evals)
    else:
        from trackwell.integration.lightgbm import wandb_callback

        lgb_callback = wandb_callback(log_params=False)
        results = [("training", "binary_logloss", 0.5, False), ("valid_1", "binary_logloss", 0.6, False)]
        env = SimpleNamespace(iteration=0, begin_iteration=0, params={}, evaluation_result_list=results)

        def call(i: int) -> None:
            env.iteration = i
            lgb_callback(env)

    blocks = []
    for b in range(10):
        start = time.thread_time()
        for i in range(2000):
            call(b * 2000 + i)
        blocks.append((time.thread_time() - start) / 2000 * 1e6)
    return statistics.median(blocks)


def bench(repeats: int) -> dict[str, dict[str, float]]:
    import trackwell

    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="tw-boosting-bench-") as tmp:
        for name, make in (("XGBoost WandbCallback", _xgboost), ("LightGBM wandb_callback", _lightgbm)):
            variants = {"without": make(False), "with": make(True)}
            out[name] = {}
            times: dict[str, list[tuple[float, float]]] = {v: [] for v in variants}
            run = trackwell.init(project="boosting-bench", mode="offline", dir=tmp, settings={"silent": True})
            try:
                for fit in variants.values():
                    fit()  # warm-up
                for _ in range(repeats):
                    for variant, fit in variants.items():
                        times[variant].append(_per_round(fit))
                out[name]["call"] = _callback_call(name)
            finally:
                run.finish()
            for variant, t in times.items():
                out[name][f"{variant}, thread"] = statistics.median(x[0] for x in t)
                out[name][f"{variant}, process"] = statistics.median(x[1] for x in t)
    return out


def main(quick: bool = False) -> list[Result]:
    medians = bench(repeats=3 if quick else 9)
    load = os.getloadavg()[0]
    results = []
    for name, m in medians.items():
        for where, label, target in (
            ("thread", "the training thread", "< 1"),  # what the training loop waits for
            ("process", "the whole process (with the SDK's writer thread)", ""),
        ):
            base, with_cb = m[f"without, {where}"], m[f"with, {where}"]
            note = f"load avg {load:.1f}" if where == "thread" else ""
            results.append(
                Result(name, f"round CPU time on {label}, no callback", base * 1e6, "µs", note=note)
            )
            results.append(Result(name, f"round CPU time on {label}, with the callback", with_cb * 1e6, "µs"))
            overhead = (with_cb - base) / base * 100
            results.append(Result(name, f"overhead per round on {label}", overhead, "%", target))
        call = m["call"]
        results.append(Result(name, "one callback call (a round's row) on the training thread", call, "µs"))
        share = call / (m["without, thread"] * 1e6) * 100
        results.append(Result(name, "that call against a round without the callback", share, "%", "< 1"))
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.benchmark}: {r.metric}: {r.value:.2f} {r.unit} (target {r.target or '-'}) {r.note}")
