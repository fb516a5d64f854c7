"""The handbook's Hugging Face code as written for wandb (``report_to="wandb"``, no trackwell import,
no trackwell callback), run with ``TRACKWELL_ALIAS_WANDB=1``: transformers' OWN ``WandbCallback``
(``transformers.integrations.integration_utils``) finds "wandb", imports it and its
``wandb.sdk.lib.config_util``, and logs into trackwell. Read back from a real server through the
public ``Api``.

What wandb's callback records is derived from transformers' own record of the same training, the
trainer's ``state.log_history`` (one ``on_log`` call per entry): each entry is one history row with
the keys ``rewrite_logs`` makes (``loss`` -> ``train/loss``, ``eval_loss`` -> ``eval/loss``) plus
``train/global_step``, except the end-of-training scalars (``train_runtime``, ``train_loss``, ...),
which go to the summary only.
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

# The handbook's module 5 snippet with the stand-ins of examples/10_hf_trainer.py (a tiny BERT from a
# config, synthetic rows, today's argument names) and report_to="wandb" kept as the handbook has it.
SCRIPT = """
import json, sys
import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

torch.manual_seed(0)
config = BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=32, num_labels=2)
model = BertForSequenceClassification(config)

def make_dataset(n):
    rows = []
    for _ in range(n):
        ids = torch.randint(1, 64, (12,))
        rows.append({"input_ids": ids, "attention_mask": torch.ones(12, dtype=torch.long),
                     "labels": (ids[0] % 2).long()})
    return rows

training_args = TrainingArguments(
    output_dir="./outputs",
    per_device_train_batch_size=16,
    per_device_eval_batch_size=16,
    num_train_epochs=3,
    eval_strategy="epoch",
    logging_strategy="steps",
    logging_steps=5,
    report_to="wandb",
    run_name="hf-alias",
    save_strategy="no",
)
trainer = Trainer(model=model, args=training_args, train_dataset=make_dataset(96),
                  eval_dataset=make_dataset(32))
trainer.train()

import wandb
from transformers.integrations import WandbCallback
callbacks = [type(c).__name__ + ":" + type(c).__module__ for c in trainer.callback_handler.callbacks]
json.dump({"log_history": trainer.state.log_history, "callbacks": callbacks,
           "wandb": repr(wandb), "num_parameters": model.num_parameters(),
           "global_step": trainer.state.global_step}, open(sys.argv[1], "w"))
"""

# transformers' WandbCallback.on_log: these go to run.summary, the rest of the entry to wandb.log
SINGLE_VALUE_SCALARS = {
    "train_runtime",
    "train_samples_per_second",
    "train_steps_per_second",
    "train_loss",
    "total_flos",
}


def _rewrite(key: str) -> str:
    """transformers' ``rewrite_logs``: ``eval_`` / ``test_`` prefixes become ``eval/`` / ``test/``,
    every other key goes under ``train/``."""
    for prefix in ("eval", "test"):
        if key.startswith(prefix + "_"):
            return prefix + "/" + key[len(prefix) + 1 :]
    return "train/" + key


def _expected_rows(log_history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for entry in log_history:
        row = {_rewrite(k): v for k, v in entry.items() if k not in SINGLE_VALUE_SCALARS and k != "step"}
        row["train/global_step"] = entry["step"]
        rows.append(row)
    return rows


def test_report_to_wandb_runs_transformers_own_callback_into_trackwell(
    live_server: LiveServer, tmp_path: Path
) -> None:
    facts = run_aliased(live_server, tmp_path, "hf_report_to_wandb.py", SCRIPT, WANDB_LOG_MODEL="end")
    # transformers' own callback, not ours, and "wandb" was the alias
    assert "WandbCallback:transformers.integrations.integration_utils" in facts["callbacks"]
    assert "aliased to trackwell" in facts["wandb"]

    api: Any = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    runs = list(api.runs("huggingface"))  # WANDB_PROJECT unset: transformers' default project
    assert len(runs) == 1
    run = runs[0]
    assert (run.name, run.state) == ("hf-alias", "finished")

    log_history = facts["log_history"]
    expected = _expected_rows(log_history)
    # 96 rows / 16 = 6 steps an epoch, 18 in all: train logs at 5, 10, 15; an eval row per epoch;
    # the end-of-training row. Derived above from the trainer's own history, checked here by hand once.
    assert len(expected) == 3 + 3 + 1 and facts["global_step"] == 18
    rows = list(run.scan_history())
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert {k for k in got if not k.startswith("_")} == set(want), (got, want)
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-6), key
    train_rows = [r for r in rows if "train/loss" in r]
    assert [r["train/global_step"] for r in train_rows] == [5, 10, 15]
    assert {"train/loss", "train/learning_rate", "train/grad_norm", "train/epoch"} <= set(train_rows[0])
    eval_rows = [r for r in rows if "eval/loss" in r]
    assert [r["train/global_step"] for r in eval_rows] == [6, 12, 18]

    summary = run.summary_metrics
    final = log_history[-1]
    for key in SINGLE_VALUE_SCALARS:
        assert summary[key] == pytest.approx(final[key]), key
    assert summary["train/global_step"] == 18
    assert summary["eval/loss"] == pytest.approx(eval_rows[-1]["eval/loss"])

    config = run.config
    # the full TrainingArguments and the model config, as transformers' callback puts them
    assert (config["per_device_train_batch_size"], config["logging_steps"], config["run_name"]) == (
        16,
        5,
        "hf-alias",
    )
    assert (config["hidden_size"], config["vocab_size"], config["model_type"]) == (16, 64, "bert")
    assert config["model/num_parameters"] == facts["num_parameters"]

    # WANDB_LOG_MODEL=end: transformers' own setup logs the architecture (alias base_model) and its
    # on_train_end the trained model (alias final_model), both through wandb.Artifact.new_file
    models = sorted((a for a in run.logged_artifacts() if a.type == "model"), key=lambda a: a.version)
    assert [a.name for a in models] == ["model-hf-alias:v0", "model-hf-alias:v1"]
    base, final = models
    assert "base_model" in base.aliases and base.metadata["initial_model"] is True
    # the model config's int keys come back as JSON's strings, as wandb stores them
    assert base.metadata["model_config"]["id2label"] == {"0": "LABEL_0", "1": "LABEL_1"}
    assert {f.name for f in base.files()} == {"model_architecture.txt"}
    assert "final_model" in final.aliases and final.metadata["final_model"] is True
    assert {"config.json", "model.safetensors", "model_architecture.txt"} <= {f.name for f in final.files()}
