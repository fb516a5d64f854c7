"""Read runs back for analysis: W&B's "export runs to CSV" recipe, a filtered query, and a history.

Run after the other examples (they log into "my-project"). Writes `project_runs.csv` in the current
folder. Uses only names of wandb's public API, so the same script works with `import wandb`.
"""

from __future__ import annotations

import pandas as pd

import trackwell as wandb

api = wandb.Api()

# W&B's documented recipe: one row per run with its summary, config and name.
runs = api.runs("my-project")
summary_list, config_list, name_list = [], [], []
for run in runs:
    # .summary holds output keys like accuracy; ._json_dict omits large files.
    summary_list.append(run.summary._json_dict)
    # .config holds the hyperparameters; keys starting with _ are internal.
    config_list.append({k: v for k, v in run.config.items() if not k.startswith("_")})
    # .name is the human-readable name of the run.
    name_list.append(run.name)
runs_df = pd.DataFrame({"summary": summary_list, "config": config_list, "name": name_list})
runs_df.to_csv("project_runs.csv")
print(f"{len(runs_df)} runs of my-project written to project_runs.csv")

# Finished runs with a learning rate below 0.01, best accuracy first.
finished = api.runs(
    "my-project",
    filters={"$and": [{"state": "finished"}, {"config.learning_rate": {"$lt": 0.01}}]},
    order="-summary_metrics.train/accuracy",
)
for run in finished:
    print(f"{run.name:24s} {run.state:9s} train/accuracy={run.summary.get('train/accuracy')}")

# The full-resolution loss curve of the newest run that logged one, as a DataFrame.
# api.runs() lists oldest first (wandb's default order "+created_at"), so the newest is the last.
with_loss = [run for run in api.runs("my-project") if "train/loss" in run.summary]
if with_loss:
    history = with_loss[-1].history(keys=["train/loss"], pandas=True)
    print(history.tail())
