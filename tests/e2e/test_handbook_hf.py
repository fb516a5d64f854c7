"""The handbook's Hugging Face Trainer example (``10_hf_trainer.py``), run unchanged as a user runs it:
``python 10_hf_trainer.py`` in a fresh folder, with nothing configured but the local data directory
of a real server (``init()`` finds it the zero-setup way). Read back through the public ``Api``: one
run in project ``huggingface`` named ``hf-tiny-bert`` with the rows, keys, steps, summary and config
transformers' own WandbCallback records for the same code.

Run for the product's copy in ``examples/`` and, when ``../shared`` exists, the handbook's own
(read-only there; the script runs from the test's folder, where ``./outputs`` and run dirs land).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e

pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "examples", ROOT.parent / "shared" / "handbook" / "examples"]
SUMMARY_SCALARS = (
    "train_runtime",
    "train_samples_per_second",
    "train_steps_per_second",
    "total_flos",
    "train_loss",
)
SCRIPT_ARGS = {
    "per_device_train_batch_size": 16,
    "per_device_eval_batch_size": 16,
    "num_train_epochs": 3,
    "eval_strategy": "epoch",
    "logging_strategy": "steps",
    "logging_steps": 5,
    "report_to": [],
}
SCRIPT_BERT = {
    "vocab_size": 64,
    "hidden_size": 16,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 32,
    "model_type": "bert",
}


@pytest.mark.parametrize("source", SOURCES, ids=["examples", "handbook"])
def test_10_hf_trainer_records_wandbs_run(live_server: LiveServer, tmp_path: Path, source: Path) -> None:
    script = source / "10_hf_trainer.py"
    if not script.is_file():
        pytest.skip(f"{script} is not here (no ../shared checkout)")
    proc = subprocess.run(
        [sys.executable, script.as_posix()],
        cwd=tmp_path,
        env=_env(live_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"

    api = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    (run,) = api.runs("huggingface")
    # The callback started the run; the SDK's exit hook finished it when the script ended.
    assert (run.name, run.state) == ("hf-tiny-bert", "finished")

    # 256 rows / batch 16 = 16 steps an epoch, 3 epochs = 48 steps. logging_steps=5: training rows at
    # steps 5..45 (9); eval_strategy="epoch": 3 eval rows at 16, 32, 48; the end-of-training log: 1
    # row (its train_runtime, train_loss, ... go to the summary, as transformers' own callback does).
    rows = list(run.scan_history())
    assert len(rows) == 13
    train = [r for r in rows if "train/loss" in r]
    evals = [r for r in rows if "eval/loss" in r]
    assert [r["train/global_step"] for r in train] == [5, 10, 15, 20, 25, 30, 35, 40, 45]
    assert [r["train/global_step"] for r in evals] == [16, 32, 48]
    assert {k for r in train for k in r if not k.startswith("_")} == {
        "train/loss",
        "train/learning_rate",
        "train/grad_norm",
        "train/epoch",
        "train/global_step",
    }
    assert {"eval/loss", "eval/runtime", "eval/samples_per_second", "eval/steps_per_second"} <= set(evals[-1])
    assert {k for k in rows[-1] if not k.startswith("_")} == {"train/epoch", "train/global_step"}

    summary = run.summary
    assert summary["train/global_step"] == 48 and summary["train/epoch"] == 3.0
    for key in SUMMARY_SCALARS:
        assert isinstance(summary[key], float) and summary[key] > 0, key

    config = run.config
    # TrainingArguments as the script set them ...
    assert config["output_dir"] == "./outputs" and config["run_name"] == "hf-tiny-bert"
    assert {k: config[k] for k in SCRIPT_ARGS} == SCRIPT_ARGS
    assert config["learning_rate"] == 5e-5, "TrainingArguments' defaults are there too"
    # ... the BertConfig ...
    assert {k: config[k] for k in SCRIPT_BERT} == SCRIPT_BERT
    assert config["id2label"] == {"0": "LABEL_0", "1": "LABEL_1"}
    # ... and the parameter count: BERT's embeddings, one layer, pooler and the 2-label head.
    assert config["model/num_parameters"] == 11810
    # No LOG_MODEL set: no model artifact.
    assert list(run.logged_artifacts()) == []
