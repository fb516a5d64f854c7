"""Seeds the grouped bar and scatter e2e test (groupedsummary.e2e.ts) with the real SDK: project
``groupedsummary``, 30 runs with config ``optimizer=adam`` and 6 with ``sgd`` (the 20 runs a chart
draws by default are fewer than the adam group), each with a summary ``acc`` and config ``lr``; one
adam run has no ``acc`` (it counts in the group's n, not in its mean).

It writes what the panels must show to ``groupedsummary_expected.json`` in the working directory
(the e2e server's data dir): per group its n, how many runs have ``acc``, and their mean, min, max,
sample std and standard error, computed here over every run; and per group the mean ``lr``.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/groupedsummary_seed.py`` against a running local server.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import trackwell as wandb

PROJECT = "groupedsummary"
ADAM, SGD = 30, 6
NO_ACC = "adam-07"


def runs() -> list[dict[str, Any]]:
    out = []
    for i in range(ADAM):
        out.append(
            {
                "name": f"adam-{i:02d}",
                "config": {"optimizer": "adam", "lr": [0.1, 0.01, 0.001][i % 3]},
                "acc": 0.60 + 0.01 * i,
            }
        )
    for j in range(SGD):
        out.append(
            {"name": f"sgd-{j:02d}", "config": {"optimizer": "sgd", "lr": 0.05}, "acc": 0.40 + 0.02 * j}
        )
    return out


def expected(all_runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    out = {}
    for opt in ("adam", "sgd"):
        members = [r for r in all_runs if r["config"]["optimizer"] == opt]
        accs = [r["acc"] for r in members if r["name"] != NO_ACC]
        std = statistics.stdev(accs)
        out[opt] = {
            "n": len(members),
            "counted": len(accs),
            "mean": statistics.fmean(accs),
            "min": min(accs),
            "max": max(accs),
            "std": std,
            "stderr": std / len(accs) ** 0.5,
            "lr": statistics.fmean(r["config"]["lr"] for r in members),
        }
    return out


def main() -> None:
    all_runs = runs()
    for r in all_runs:
        run = wandb.init(
            project=PROJECT, name=r["name"], config=r["config"], settings=wandb.Settings(x_disable_stats=True)
        )
        run.log({"train/loss": 1.0 - r["acc"]})
        if r["name"] != NO_ACC:
            run.summary["acc"] = r["acc"]
        run.finish()
    Path("groupedsummary_expected.json").write_text(json.dumps(expected(all_runs), indent=1))


if __name__ == "__main__":
    main()
