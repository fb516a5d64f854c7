"""Seeds the groups e2e test (groups.e2e.ts) with the real SDK: project ``groups``, a group ``big`` of
28 runs (more than the 20 a chart draws by default) and a group ``small`` of 4, each run logging
``train/loss`` over 10 steps. Run ``i`` of ``big`` logs ``i + step``; run ``j`` of ``small`` logs
``100 + j + step``. Config ``optimizer`` (adam, sgd) and ``lr`` (0.1, 0.01, 0.05) make five groups
when grouped by both.

It writes what the charts must show to ``groups_expected.json`` in the working directory (the e2e
server's data dir): per grouping and group label, the group's size and its mean, min, max, std
(sample) and standard error at the last step, computed here over every run.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/groups_seed.py`` against a running local server.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trackwell as wandb

PROJECT = "groups"
BIG, SMALL, STEPS = 28, 4, 10


def runs() -> list[dict[str, Any]]:
    out = []
    for i in range(BIG):
        config = {"optimizer": ["adam", "sgd"][i % 2], "lr": 0.1 if i < BIG // 2 else 0.01}
        out.append({"name": f"big-{i:02d}", "group": "big", "config": config, "base": float(i)})
    for j in range(SMALL):
        config = {"optimizer": "adam", "lr": 0.05}
        out.append({"name": f"small-{j}", "group": "small", "config": config, "base": 100.0 + j})
    return out


def expected(all_runs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    groupings: dict[str, Callable[[dict[str, Any]], str]] = {
        "group": lambda r: r["group"],
        "c:optimizer,c:lr": lambda r: f"{r['config']['optimizer']} · {r['config']['lr']}",
    }
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, label_of in groupings.items():
        members: dict[str, list[float]] = {}
        for r in all_runs:
            members.setdefault(label_of(r), []).append(r["base"] + STEPS - 1)  # the last step's value
        out[name] = {
            label: {
                "n": len(v),
                "mean": statistics.fmean(v),
                "min": min(v),
                "max": max(v),
                "std": statistics.stdev(v) if len(v) > 1 else 0.0,
                "stderr": (statistics.stdev(v) if len(v) > 1 else 0.0) / len(v) ** 0.5,
            }
            for label, v in members.items()
        }
    return out


def main() -> None:
    all_runs = runs()
    for r in all_runs:
        run = wandb.init(
            project=PROJECT,
            name=r["name"],
            group=r["group"],
            config=r["config"],
            settings=wandb.Settings(x_disable_stats=True),
        )
        for step in range(STEPS):
            run.log({"train/loss": r["base"] + step}, step=step)
        run.finish()
    Path("groups_expected.json").write_text(json.dumps(expected(all_runs), indent=1))


if __name__ == "__main__":
    main()
