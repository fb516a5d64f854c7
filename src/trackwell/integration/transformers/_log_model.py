"""Models and checkpoints as ``model`` artifacts, named, aliased and described as transformers' own
WandbCallback does (``TRACKWELL_LOG_MODEL`` / ``WANDB_LOG_MODEL``):

- ``end``: the model's architecture when training starts (alias ``base_model``) and the final model,
  saved by ``Trainer.save_model`` (alias ``final_model``);
- ``checkpoint``: the same, plus every checkpoint folder the Trainer saves (aliases
  ``epoch_<epoch>`` and ``checkpoint_global_step_<step>``);
- ``false`` or unset: nothing.

All versions go to one artifact, ``model-<run name>`` (``model-<run id>`` when ``run_name`` is unset
or is the output folder). The server moves ``latest`` to the newest version; logging unchanged files
again makes no new version.
"""

from __future__ import annotations

import copy
import numbers
import tempfile
import warnings
from pathlib import Path
from typing import Any

from trackwell.integration._common import log_model_files, setting
from trackwell.util import make_artifact_name_safe

MODES = ("end", "checkpoint", "false")
# transformers 4.x took any true value as ``end`` (deprecated there, dropped in 5.x); code and CI jobs
# still set WANDB_LOG_MODEL=true, and silently logging nothing would lose the model they asked for.
_DEPRECATED_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off", "")


def log_model_mode() -> str:
    """``end``, ``checkpoint`` or ``false`` from ``TRACKWELL_LOG_MODEL`` / ``WANDB_LOG_MODEL``."""
    value = setting("LOG_MODEL")
    if value is None:
        return "false"
    lowered = value.lower()
    if lowered in MODES:
        return lowered
    if lowered in _FALSE:
        return "false"
    if lowered in _DEPRECATED_TRUE:
        warnings.warn(
            f"LOG_MODEL={value!r} is deprecated (as in transformers): logging the model at the end of "
            "training; set TRACKWELL_LOG_MODEL (or WANDB_LOG_MODEL) to 'end' or 'checkpoint'",
            FutureWarning,
            stacklevel=2,
        )
        return "end"
    # transformers' own answer to an unknown value: warn and log no model (a typo must not stop a
    # training job that may have run for hours by the time the model would be logged).
    warnings.warn(
        f"TRACKWELL_LOG_MODEL / WANDB_LOG_MODEL={value!r} is not one of 'end', 'checkpoint', 'false': "
        "no model will be logged",
        UserWarning,
        stacklevel=2,
    )
    return "false"


def artifact_name(args: Any, run: Any) -> str:
    """transformers' rule: ``model-<run name>``, or ``model-<run id>`` when the run was not named by
    ``run_name`` (unset, or the output folder as transformers 4.x defaulted it)."""
    if args.run_name is None or args.run_name == args.output_dir:
        return f"model-{run.id}"
    return make_artifact_name_safe(f"model-{run.name}")


def summary_numbers(run: Any) -> dict[str, Any]:
    """The run's numeric summary values (not the ``_`` internals): the metadata wandb gives a model."""
    return {k: v for k, v in run.summary.items() if isinstance(v, numbers.Number) and not k.startswith("_")}


def _write_architecture(model: Any, folder: Path) -> None:
    """``model_architecture.txt``: the module tree as ``print(model)`` shows it (transformers'
    ``save_model_architecture_to_file``; empty for what is not a torch module)."""
    import torch

    with open(folder / "model_architecture.txt", "w", encoding="utf-8") as out:
        if isinstance(model, torch.nn.Module):
            print(model, file=out)


def log_base_model(run: Any, args: Any, model: Any, num_parameters: Any) -> Any:
    """The architecture before training, alias ``base_model``."""
    config: Any = getattr(model, "config", None)
    metadata = {
        "model_config": config.to_dict() if hasattr(config, "to_dict") else None,
        "num_parameters": num_parameters,
        "initial_model": True,
    }
    with tempfile.TemporaryDirectory() as temp_dir:
        _write_architecture(model, Path(temp_dir))
        # log_artifact stages (copies) what the server lacks before it returns: the folder may go.
        return log_model_files(
            run, temp_dir, artifact_name(args, run), aliases=["base_model"], metadata=metadata
        )


def log_final_model(
    run: Any, args: Any, state: Any, model: Any, processing_class: Any, num_parameters: Any
) -> Any:
    """The trained model as ``Trainer.save_model`` writes it (weights, config, processor, training
    arguments) plus its architecture, alias ``final_model``."""
    from transformers import Trainer

    if args.load_best_model_at_end:
        metadata: dict[str, Any] = {
            f"eval/{args.metric_for_best_model}": state.best_metric,
            "train/total_floss": state.total_flos,  # sic: transformers' own key
            "model/num_parameters": num_parameters,
        }
    else:
        metadata = summary_numbers(run)
    metadata["final_model"] = True
    # A Trainer only to reuse save_model's exact layout; no reporting callbacks of its own.
    fake_args = copy.deepcopy(args)
    fake_args.deepspeed = None
    fake_args.deepspeed_plugin = None
    fake_args.report_to = []
    fake = Trainer(args=fake_args, model=model, processing_class=processing_class, eval_dataset=["fake"])
    with tempfile.TemporaryDirectory() as temp_dir:
        fake.save_model(temp_dir)
        _write_architecture(model, Path(temp_dir))
        return log_model_files(
            run, temp_dir, artifact_name(args, run), aliases=["final_model"], metadata=metadata
        )


def log_checkpoint(run: Any, args: Any, state: Any, num_parameters: Any) -> Any:
    """The checkpoint folder the Trainer just saved, with the run's numeric summary as metadata."""
    folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
    if not folder.is_dir():
        warnings.warn(
            f"LOG_MODEL=checkpoint: no checkpoint folder {folder} after the Trainer saved; not logged",
            UserWarning,
            stacklevel=2,
        )
        return None
    metadata = summary_numbers(run)
    metadata["model/num_parameters"] = num_parameters
    aliases = [f"epoch_{round(state.epoch, 2)}", f"checkpoint_global_step_{state.global_step}"]
    return log_model_files(run, folder, artifact_name(args, run), aliases=aliases, metadata=metadata)
