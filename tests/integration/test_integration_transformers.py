"""The Hugging Face Trainer integration against the real transformers Trainer training a tiny BERT
(built from a config, nothing downloaded) on CPU, into a real server on loopback; everything is read
back through the public ``trackwell.Api`` (and the run's HTTP answer for its metric definitions).

What is asserted is what transformers' own WandbCallback records for the same code (its source,
``transformers/integrations/integration_utils.py``, is the spec): the key names of ``rewrite_logs``,
``train/global_step`` as the step metric, one row per ``on_log``, the end-of-training scalars in the
summary, the TrainingArguments and model config in the config, and the model artifacts of
``WANDB_LOG_MODEL=end|checkpoint``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import trackwell  # noqa: E402
from tests.fixtures.live_server import LiveServer  # noqa: E402
from tests.fixtures.sdk_env import point_artifacts_at  # noqa: E402
from trackwell.integration.transformers import TrackwellCallback, WandbCallback  # noqa: E402
from trackwell.integration.transformers._log_model import log_model_mode  # noqa: E402

TRAIN_KEYS = {"train/loss", "train/learning_rate", "train/grad_norm", "train/epoch", "train/global_step"}
SUMMARY_SCALARS = (
    "train_runtime",
    "train_samples_per_second",
    "train_steps_per_second",
    "total_flos",
    "train_loss",
)

BertConfig = transformers.BertConfig
Bert = transformers.BertForSequenceClassification
Trainer = transformers.Trainer
TrainingArguments = transformers.TrainingArguments


# --- the tiny model and data of examples/10_hf_trainer.py ------------------------------------------


def _model() -> Any:
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=64,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=2,
    )
    return Bert(config)


def _data(n: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(n):
        ids = torch.randint(1, 64, (12,))
        rows.append(
            {
                "input_ids": ids,
                "attention_mask": torch.ones(12, dtype=torch.long),
                "labels": (ids[0] % 2).long(),
            }
        )
    return rows


def _args(out: Path, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "output_dir": str(out),
        "per_device_train_batch_size": 16,
        "per_device_eval_batch_size": 16,
        "num_train_epochs": 2,
        "eval_strategy": "epoch",
        "logging_strategy": "steps",
        "logging_steps": 2,
        "save_strategy": "no",
        "report_to": "none",
        "run_name": "hf-test",
        "disable_tqdm": True,
        "dataloader_pin_memory": False,
        "use_cpu": True,
    }
    values.update(overrides)
    return TrainingArguments(**values)


def _train(args: Any, callbacks: list[Any] | None, n_train: int = 64, n_eval: int = 16) -> tuple[Any, Any]:
    model = _model()
    trainer = Trainer(
        model=model, args=args, train_dataset=_data(n_train), eval_dataset=_data(n_eval), callbacks=callbacks
    )
    return trainer, trainer.train()


def _api(server: LiveServer) -> Any:
    return trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)


def _finish() -> None:
    """The callback leaves a run it started open (as transformers does: wandb's exit hook ends it);
    the test ends it so the server has everything before reading back."""
    if trackwell.run is not None:
        trackwell.finish()


@pytest.fixture
def sdk(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    values = point_artifacts_at(server, tmp_path, monkeypatch)
    try:
        yield values
    finally:
        _finish()


# --- the handbook's schedule, trained once for the module ------------------------------------------


@pytest.fixture(scope="module")
def example_run(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """examples/10_hf_trainer.py's schedule: 256 rows in batches of 16 are 16 steps an epoch, 3 epochs
    48 steps, logging every 5 steps, evaluation every epoch."""
    tmp = tmp_path_factory.mktemp("hf-example")
    with pytest.MonkeyPatch.context() as mp:
        point_artifacts_at(server, tmp, mp)
        args = _args(tmp / "outputs", num_train_epochs=3, logging_steps=5, run_name="hf-tiny-bert")
        trainer, output = _train(args, [WandbCallback()], n_train=256, n_eval=64)
        run_id = trackwell.run.id if trackwell.run is not None else None
        _finish()
    assert run_id is not None, "the callback started a run"
    run = _api(server).run(f"huggingface/{run_id}")
    return {"run": run, "args": args, "model": trainer.model, "output": output, "trainer": trainer}


def test_rows_keys_and_steps_are_wandbs_for_the_handbook_schedule(example_run: dict[str, Any]) -> None:
    """13 rows, as transformers' WandbCallback logs them: one per on_log. Training logs at global
    steps 5, 10, ..., 45 (9 rows; 48 is not a multiple of 5), evaluation at the end of each epoch
    (16, 32, 48: 3 rows), and the end-of-training log (1 row: its train_* scalars go to the
    summary, leaving only train/epoch and train/global_step)."""
    run = example_run["run"]
    rows = list(run.scan_history())
    assert len(rows) == 13
    train = [r for r in rows if "train/loss" in r]
    evals = [r for r in rows if "eval/loss" in r]
    assert [r["train/global_step"] for r in train] == [5, 10, 15, 20, 25, 30, 35, 40, 45]
    assert [r["train/global_step"] for r in evals] == [16, 32, 48]
    assert [r["train/epoch"] for r in evals] == [1.0, 2.0, 3.0]
    assert {k for r in train for k in r if not k.startswith("_")} == TRAIN_KEYS
    assert {k for k in evals[0] if not k.startswith("_")} == {
        "eval/loss",
        "eval/runtime",
        "eval/samples_per_second",
        "eval/steps_per_second",
        "train/epoch",
        "train/global_step",
    }
    last = rows[-1]
    assert {k for k in last if not k.startswith("_")} == {"train/epoch", "train/global_step"}
    assert (last["train/epoch"], last["train/global_step"]) == (3.0, 48)
    assert all(r["train/grad_norm"] > 0 and math.isfinite(r["train/grad_norm"]) for r in train)
    # The linear schedule from 5e-5 to 0 over 48 steps, as the Trainer logs it after each step.
    assert train[0]["train/learning_rate"] == pytest.approx(5e-5 * (48 - 5 + 1) / 48)
    # One row per log: _step counts the 13 calls.
    assert [r["_step"] for r in rows] == list(range(13))


def test_step_metric_is_train_global_step(example_run: dict[str, Any], server: LiveServer) -> None:
    run = example_run["run"]
    with server.client() as http:
        answer = http.get(f"/api/v1/runs/{run.entity}/{run.project}/{run.id}")
    answer.raise_for_status()
    definitions = {m["name"]: m for m in answer.json()["metric_definitions"]}
    assert "train/global_step" in definitions
    assert definitions["*"]["step_metric"] == "train/global_step"


def test_summary_name_project_and_config(example_run: dict[str, Any]) -> None:
    run, args, model, output = (example_run[k] for k in ("run", "args", "model", "output"))
    assert (run.project, run.name, run.state) == ("huggingface", "hf-tiny-bert", "finished")
    summary = run.summary
    for key in SUMMARY_SCALARS:
        expected = example_run["trainer"].state.total_flos if key == "total_flos" else output.metrics[key]
        assert summary[key] == pytest.approx(expected), key
    assert summary["train/global_step"] == 48
    last_eval = list(run.scan_history(keys=["eval/loss"]))[-1]
    assert summary["eval/loss"] == pytest.approx(last_eval["eval/loss"])
    config = run.config
    # The full TrainingArguments (to_dict, as transformers sends it) ...
    expected_args = json.loads(json.dumps(args.to_dict()))
    assert {k: config[k] for k in expected_args} == expected_args
    assert (config["run_name"], config["logging_steps"], config["num_train_epochs"]) == ("hf-tiny-bert", 5, 3)
    # ... over the model's config (an argument wins a clash) ...
    bert = model.config.to_dict()
    for key in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "model_type"):
        assert config[key] == bert[key], key
    assert config["id2label"] == {"0": "LABEL_0", "1": "LABEL_1"}, "JSON's string keys, as in wandb"
    # ... and the parameter count.
    assert config["model/num_parameters"] == model.num_parameters() > 0


# --- runs, report_to, processes ----------------------------------------------------------------------


def test_a_run_the_user_started_is_used_and_left_open(
    sdk: dict[str, str], server: LiveServer, tmp_path: Path
) -> None:
    run = trackwell.init(project="mine", name="user-run", config={"dataset": "synthetic"})
    args = _args(tmp_path / "out", num_train_epochs=1, logging_steps=2, run_name="not-a-new-run")
    trainer, _ = _train(args, [TrackwellCallback()], n_train=32)
    trainer.predict(_data(16))  # on_predict: test_* metrics as test/*
    assert trackwell.run is run, "the user's run is still the current one"
    run.log({"after/train": 1.0})  # still open: the user's code keeps logging after train()
    run_id = run.id
    trackwell.finish()
    api = _api(server)
    stored = api.run(f"mine/{run_id}")
    assert stored.name == "user-run" and stored.state == "finished"
    assert stored.config["dataset"] == "synthetic" and stored.config["logging_steps"] == 2
    rows = list(stored.scan_history())
    # 2 steps (32 rows / 16): a log at step 2, one eval, the end-of-training row, then ours.
    assert [r.get("train/global_step") for r in rows[:3]] == [2, 2, 2]
    predicted = rows[-2]
    assert {"test/loss", "test/runtime", "test/samples_per_second"} <= set(predicted)
    # No global step in a predict log; step_sync fills in the last one, as wandb's does.
    assert predicted["train/global_step"] == 2
    assert rows[-1]["after/train"] == 1.0
    assert stored.name == "user-run", "the user's name stands: run_name names only a run the callback starts"
    assert not [r for r in api.runs("huggingface") if r.name == "not-a-new-run"], "no second run was started"


@pytest.mark.parametrize("report_to", ["trackwell", ["trackwell"]], ids=["str", "list"])
def test_report_to_trackwell_adds_the_callback(
    sdk: dict[str, str],
    server: LiveServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    report_to: Any,
) -> None:
    monkeypatch.setenv("WANDB_PROJECT", "from-wandb-env")
    name = f"via-report-to-{type(report_to).__name__}"
    args = _args(tmp_path / "out", num_train_epochs=1, report_to=report_to, run_name=name)
    assert args.report_to == ["trackwell"]
    trainer, _ = _train(args, None, n_train=32)
    ours = [cb for cb in trainer.callback_handler.callbacks if isinstance(cb, WandbCallback)]
    assert len(ours) == 1
    _finish()
    (stored,) = [r for r in _api(server).runs("from-wandb-env") if r.name == name]
    assert stored.summary["train/global_step"] == 2 and "train_loss" in stored.summary


def test_report_to_all_includes_trackwell_once() -> None:
    assert "trackwell" in TrainingArguments(output_dir="unused", report_to="all").report_to
    assert "trackwell" in transformers.integrations.get_available_reporting_integrations()
    # With `import wandb` aliased to trackwell, transformers' own "wandb" entry already logs here:
    # "all" must not add a second callback logging every row twice.
    from trackwell.compat import alias_wandb, is_aliased, unalias_wandb

    was_aliased = is_aliased()
    alias_wandb()
    try:
        everything = TrainingArguments(output_dir="unused", report_to="all").report_to
        assert "wandb" in everything and "trackwell" not in everything
    finally:
        if not was_aliased:
            unalias_wandb()


def test_other_processes_record_nothing(sdk: dict[str, str], tmp_path: Path) -> None:
    """Only the world process zero logs: another rank's callback starts no run and logs nothing."""
    args = _args(tmp_path / "out")
    state = transformers.TrainerState(is_world_process_zero=False, global_step=3)
    control = transformers.TrainerControl()
    callback = WandbCallback()
    callback.on_train_begin(args, state, control, model=_model())
    callback.on_log(args, state, control, logs={"loss": 1.0})
    callback.on_train_end(args, state, control, model=_model())
    assert trackwell.run is None


def test_watch_env_calls_run_watch_with_transformers_frequency(
    sdk: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    real_watch = trackwell.sdk.run.Run.watch

    def spy(self: Any, model: Any, **kwargs: Any) -> Any:
        calls.append((model, kwargs))
        return real_watch(self, model, **kwargs)

    monkeypatch.setattr(trackwell.sdk.run.Run, "watch", spy)
    monkeypatch.setenv("WANDB_WATCH", "gradients")
    args = _args(tmp_path / "out", num_train_epochs=1, logging_steps=2)
    trainer, _ = _train(args, [WandbCallback()], n_train=32)
    assert calls == [(trainer.model, {"log": "gradients", "log_freq": 100})]


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        ("end", "end"),
        ("checkpoint", "checkpoint"),
        ("false", "false"),
        ("TRUE", "end"),
        ("1", "end"),
        ("bogus", "false"),
    ],
)
def test_log_model_values(monkeypatch: pytest.MonkeyPatch, value: str, mode: str) -> None:
    """transformers' values, its deprecated true values (= ``end``), and unknown ones (warned, off)."""
    monkeypatch.delenv("TRACKWELL_LOG_MODEL", raising=False)
    monkeypatch.setenv("WANDB_LOG_MODEL", value)
    if value in ("TRUE", "1"):
        with pytest.warns(FutureWarning, match="deprecated"):
            assert log_model_mode() == mode
    elif value == "bogus":
        with pytest.warns(UserWarning, match="'end', 'checkpoint', 'false'"):
            assert log_model_mode() == mode
    else:
        assert log_model_mode() == mode
    monkeypatch.setenv("TRACKWELL_LOG_MODEL", "checkpoint")
    assert log_model_mode() == "checkpoint", "ours wins over wandb's"


# --- model artifacts -------------------------------------------------------------------------------


def _versions(server: LiveServer, name: str) -> dict[str, Any]:
    """The versions of ``huggingface/<name>`` by version (``v0``, ``v1``, ...)."""
    return {a.version: a for a in _api(server).artifacts("model", f"huggingface/{name}")}


def _files(artifact: Any) -> set[str]:
    return {f.name for f in artifact.files()}


def test_log_model_end_logs_the_base_and_the_final_model(
    sdk: dict[str, str], server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As transformers' own: the architecture at setup (``base_model``), the model Trainer.save_model
    writes at the end (``final_model``) with the run's numeric summary as metadata; named after
    run_name. The final version loads back into the trained model."""
    monkeypatch.setenv("TRACKWELL_LOG_MODEL", "end")
    args = _args(tmp_path / "out", num_train_epochs=1, run_name="hf-end")
    trainer, output = _train(args, [WandbCallback()], n_train=32)
    _finish()
    versions = _versions(server, "model-hf-end")
    assert sorted(versions) == ["v0", "v1"]
    base, final = versions["v0"], versions["v1"]
    assert (base.type, set(base.aliases)) == ("model", {"base_model"})
    assert set(final.aliases) == {"final_model", "latest"}
    assert _files(base) == {"model_architecture.txt"}
    saved = _files(final)
    assert {"model.safetensors", "config.json", "training_args.bin", "model_architecture.txt"} <= saved, saved
    assert base.metadata["initial_model"] is True
    assert base.metadata["num_parameters"] == trainer.model.num_parameters()
    assert base.metadata["model_config"]["hidden_size"] == 16
    assert final.metadata["final_model"] is True
    assert final.metadata["train_loss"] == pytest.approx(output.metrics["train_loss"])
    assert final.metadata["train/global_step"] == 2
    loaded = Bert.from_pretrained(final.download(root=str(tmp_path / "dl")))
    for name, tensor in trainer.model.state_dict().items():
        assert torch.equal(loaded.state_dict()[name], tensor), name


def test_log_model_checkpoint_logs_every_checkpoint_and_dedups_a_relog(
    sdk: dict[str, str], server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``checkpoint``: each folder the Trainer saves (one per epoch here: steps 2 and 4) is a version
    with aliases ``epoch_<e>`` and ``checkpoint_global_step_<n>``, between the base and the final
    model. Logging the last checkpoint again, unchanged, makes no new version: ``latest`` moves to
    the version that has it."""
    monkeypatch.setenv("WANDB_LOG_MODEL", "checkpoint")
    callback = WandbCallback()
    args = _args(tmp_path / "out", num_train_epochs=2, save_strategy="epoch", run_name="hf-ckpt")
    trainer, _ = _train(args, [callback], n_train=32)
    callback.on_save(trainer.args, trainer.state, trainer.control)  # the same checkpoint-4 again
    _finish()
    versions = _versions(server, "model-hf-ckpt")
    assert sorted(versions) == ["v0", "v1", "v2", "v3"]
    assert set(versions["v0"].aliases) == {"base_model"}
    assert set(versions["v1"].aliases) == {"epoch_1.0", "checkpoint_global_step_2"}
    assert set(versions["v2"].aliases) == {"epoch_2.0", "checkpoint_global_step_4", "latest"}
    assert set(versions["v3"].aliases) == {"final_model"}
    for version in ("v1", "v2"):
        files = _files(versions[version])
        assert {"model.safetensors", "config.json", "trainer_state.json", "optimizer.pt"} <= files, files
        assert versions[version].metadata["model/num_parameters"] == trainer.model.num_parameters()
    assert versions["v2"].metadata["train/global_step"] == 4


def test_train_again_after_finish_starts_a_new_run(
    sdk: dict[str, str], server: LiveServer, tmp_path: Path
) -> None:
    """The run the callback started ends when the user finishes it; the next ``train()`` of the same
    Trainer starts a new run instead of logging into the finished one."""
    args = _args(tmp_path / "out", num_train_epochs=1, eval_strategy="no", run_name="twice")
    trainer, _ = _train(args, [WandbCallback()], n_train=32)
    first = trackwell.run.id if trackwell.run is not None else None
    trackwell.finish()
    trainer.train()
    second = trackwell.run.id if trackwell.run is not None else None
    _finish()
    assert first is not None and second is not None and first != second
    runs = {r.id: r for r in _api(server).runs("huggingface") if r.name == "twice"}
    assert sorted(runs) == sorted([first, second])
    for run in runs.values():
        # 2 steps: the log at step 2 and the end-of-training row, in each run.
        assert [r["train/global_step"] for r in run.scan_history()] == [2, 2]
        assert run.config["model/num_parameters"] > 0


def test_same_record_as_transformers_own_wandb_callback(
    sdk: dict[str, str], server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same training recorded twice: once by transformers' own WandbCallback (``report_to="wandb"``
    with ``import wandb`` aliased to trackwell), once by ours. Rows, keys, steps, config keys,
    summary keys and the model artifact (``LOG_MODEL=end``: versions, aliases, files, metadata keys)
    are the same."""
    from trackwell.compat import alias_wandb, is_aliased, unalias_wandb

    monkeypatch.setenv("WANDB_LOG_MODEL", "end")
    was_aliased = is_aliased()
    alias_wandb()
    try:
        _train(_args(tmp_path / "theirs", run_name="theirs", report_to="wandb"), None, n_train=32)
        _finish()
    finally:
        if not was_aliased:
            unalias_wandb()
    _train(_args(tmp_path / "ours", run_name="ours"), [WandbCallback()], n_train=32)
    _finish()

    runs = {r.name: r for r in _api(server).runs("huggingface") if r.name in ("theirs", "ours")}
    theirs, ours = runs["theirs"], runs["ours"]

    def shape(run: Any) -> list[tuple[Any, list[str]]]:
        return [
            (row["train/global_step"], sorted(k for k in row if not k.startswith("_")))
            for row in run.scan_history()
        ]

    # 4 steps, logging_steps 2, 2 epochs: logs at 2 and 4, evals at 2 and 4, the end-of-training row.
    assert len(shape(ours)) == 5
    assert shape(ours) == shape(theirs)
    assert set(ours.config) == set(theirs.config)
    # Values too, but for what differs by design: the run's own arguments, and id2label, whose int
    # keys ours turns into JSON's strings as wandb's config does, while the SDK's config.update
    # (what transformers' own callback calls) stores such a dict as its repr.
    differ = ("run_name", "output_dir", "report_to", "id2label")
    assert {k: v for k, v in ours.config.items() if k not in differ} == {
        k: v for k, v in theirs.config.items() if k not in differ
    }
    assert ours.config["id2label"] == {"0": "LABEL_0", "1": "LABEL_1"}
    assert set(ours.summary) - {"_wandb"} == set(theirs.summary) - {"_wandb"}
    mine, wandbs = _versions(server, "model-ours"), _versions(server, "model-theirs")
    assert sorted(mine) == sorted(wandbs) == ["v0", "v1"]
    for version in ("v0", "v1"):
        assert set(mine[version].aliases) == set(wandbs[version].aliases)
        assert _files(mine[version]) == _files(wandbs[version])
        assert set(mine[version].metadata) == set(wandbs[version].metadata)
