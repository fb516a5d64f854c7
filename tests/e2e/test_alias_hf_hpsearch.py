"""transformers' own ``Trainer.hyperparameter_search(backend="wandb")`` with ``TRACKWELL_ALIAS_WANDB=1``:
its ``run_hp_search_wandb`` calls ``wandb.sweep`` and ``wandb.agent`` (and reads the run config's
``_items``), and its own ``WandbCallback`` finishes the agent's run and starts it again with the
same id, as it does under wandb. Each trial must become one finished run of the sweep, with the
proposed values in its config and in the TrainingArguments it trained with, and the best run
transformers returns must be the sweep's best. Read back from a real server through ``Api``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.aliased_script import run_aliased
from tests.fixtures.live_server import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
pytest.importorskip("transformers")

# A tiny BERT from a config (nothing downloaded), two random trials over a float and a choice.
SCRIPT = """
import json, sys
import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

def make_dataset(n, seed):
    g = torch.Generator().manual_seed(seed)
    rows = []
    for _ in range(n):
        ids = torch.randint(1, 64, (12,), generator=g)
        rows.append({"input_ids": ids, "attention_mask": torch.ones(12, dtype=torch.long),
                     "labels": (ids[0] % 2).long()})
    return rows

def model_init(trial=None):
    torch.manual_seed(0)
    return BertForSequenceClassification(BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=32, num_labels=2))

def hp_space(trial):
    return {"method": "random", "metric": {"name": "objective", "goal": "minimize"},
            "parameters": {"learning_rate": {"distribution": "uniform", "min": 1e-4, "max": 1e-2},
                           "per_device_train_batch_size": {"values": [8, 16]}}}

args = TrainingArguments(output_dir="./outputs", num_train_epochs=1, eval_strategy="epoch",
                         logging_steps=2, report_to="wandb", save_strategy="no")
trainer = Trainer(model_init=model_init, args=args, train_dataset=make_dataset(32, 1),
                  eval_dataset=make_dataset(16, 2))
best = trainer.hyperparameter_search(direction="minimize", backend="wandb", hp_space=hp_space,
                                     n_trials=2, project="hf-hpsearch")
json.dump({"run_id": best.run_id, "objective": best.objective, "hyperparameters": best.hyperparameters,
           "sweep_id": best.run_summary}, open(sys.argv[1], "w"))
"""


def test_hyperparameter_search_with_the_wandb_backend_runs_a_trackwell_sweep(
    live_server: LiveServer, tmp_path: Path
) -> None:
    best = run_aliased(live_server, tmp_path, "hf_hp_search.py", SCRIPT)

    api: Any = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    sweep = api.sweep(f"{api.default_entity}/hf-hpsearch/{best['sweep_id']}")
    assert sweep.config["metric"] == {"name": "eval/loss", "goal": "minimize"}
    runs = sweep.runs
    assert len(runs) == 2 and {r.state for r in runs} == {"finished"}
    for run in runs:
        lr = run.config["learning_rate"]
        assert 1e-4 <= lr <= 1e-2 and run.config["per_device_train_batch_size"] in (8, 16)
        # one evaluation at the end of the single epoch; its loss is the trial's objective
        evals = [r for r in run.scan_history() if "eval/loss" in r]
        assert len(evals) == 1 and run.summary["eval/loss"] == evals[0]["eval/loss"]
    by_id = {r.id: r for r in runs}
    chosen = by_id[best["run_id"]]
    assert best["objective"] == pytest.approx(min(r.summary["eval/loss"] for r in runs))
    assert sweep.best_run().id == chosen.id
    assert best["hyperparameters"]["learning_rate"] == chosen.config["learning_rate"]
