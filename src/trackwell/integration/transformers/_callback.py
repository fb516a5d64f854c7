"""``WandbCallback``: a ``transformers.TrainerCallback`` recording a Trainer's training into a
trackwell run, as transformers' own WandbCallback records it into wandb (its source,
``transformers/integrations/integration_utils.py``, is the spec this follows hook by hook).

Everything happens on the world process zero only; other ranks record nothing.
"""

from __future__ import annotations

import warnings
from typing import Any

from transformers import TrainerCallback

import trackwell
from trackwell.integration._common import active_run_or_init, setting
from trackwell.integration.transformers._log_model import (
    log_base_model,
    log_checkpoint,
    log_final_model,
    log_model_mode,
)
from trackwell.integration.transformers._logs import STEP_METRIC, rewrite_logs, split_log
from trackwell.sdk.active import current as current_run

WATCH_MODES = ("gradients", "parameters", "all")


def run_config(args: Any, model: Any) -> dict[str, Any]:
    """The model's config under the full ``TrainingArguments`` (an argument wins a clash), and the
    PEFT config when there is one: what transformers puts in wandb's config."""
    combined: dict[str, Any] = dict(args.to_dict())
    config = getattr(model, "config", None)
    if config is not None:
        model_config = config if isinstance(config, dict) else config.to_dict()
        combined = {**model_config, **combined}
    peft = getattr(model, "peft_config", None)
    if peft is not None:
        # PeftConfig objects are dataclasses; their dict form is what a config can hold.
        peft_dict = {k: v.to_dict() if hasattr(v, "to_dict") else v for k, v in dict(peft).items()}
        combined = {"peft_config": peft_dict, **combined}
    # A model config's id2label ({0: "LABEL_0"}) gets JSON's string keys from run.config itself.
    return combined


def _xla() -> bool:
    try:
        from transformers.utils import is_torch_xla_available
    except ImportError:  # pragma: no cover - every supported release has it
        return False
    return bool(is_torch_xla_available())


class WandbCallback(TrainerCallback):  # type: ignore[misc]  # transformers is typed Any to mypy
    """Logs a Trainer's metrics, configuration and (``TRACKWELL_LOG_MODEL`` / ``WANDB_LOG_MODEL``)
    models to trackwell. Uses the run already started in the process, else starts one in project
    ``TRACKWELL_PROJECT`` / ``WANDB_PROJECT`` (default ``huggingface``) named ``args.run_name``.
    A run it starts is finished when the process exits, as with wandb (the Trainer does not finish
    it), so code after ``trainer.train()`` can keep logging to it."""

    def __init__(self) -> None:
        self._initialized = False
        self._run: Any = None
        # Read once, when the callback is made (as transformers does): a deprecated value warns once.
        self._log_model = log_model_mode()
        self._num_parameters: Any = None

    # --- setup --------------------------------------------------------------------------------

    def setup(self, args: Any, state: Any, model: Any, **kwargs: Any) -> None:
        """Start (or join) the run and record the configuration; called on the first event."""
        self._initialized = True
        if not state.is_world_process_zero:
            return
        init_args: dict[str, Any] = {}
        if state.trial_name is not None:
            init_args = {"name": state.trial_name, "group": args.run_name or args.output_dir}
        elif args.run_name is not None:
            init_args = {"name": args.run_name}
            if args.run_name == args.output_dir:
                warnings.warn(
                    "TrainingArguments.run_name is the same as output_dir; set run_name to name the run",
                    UserWarning,
                    stacklevel=2,
                )
        run = active_run_or_init(project=setting("PROJECT", "huggingface"), **init_args)
        self._run = run
        run.config.update(run_config(args, model), allow_val_change=True)
        run.define_metric(STEP_METRIC)
        run.define_metric("*", step_metric=STEP_METRIC, step_sync=True)
        self._watch(run, model, state)
        try:
            self._num_parameters = model.num_parameters()
        except AttributeError:
            self._num_parameters = None  # not a PreTrainedModel: transformers skips it too
        else:
            run.config.update({"model/num_parameters": self._num_parameters}, allow_val_change=True)
        if self._log_model != "false":
            log_base_model(run, args, model, self._num_parameters)

    def _watch(self, run: Any, model: Any, state: Any) -> None:
        mode = (setting("WATCH") or "false").lower()
        if mode in WATCH_MODES:
            if not _xla():  # hooks are not supported on TPU (transformers skips watch there too)
                run.watch(model, log=mode, log_freq=max(100, state.logging_steps))
        elif mode not in ("false", "0", "no", "off", ""):
            warnings.warn(
                f"TRACKWELL_WATCH / WANDB_WATCH={mode!r} is not one of gradients, parameters, all, "
                "false: the model is not watched",
                UserWarning,
                stacklevel=2,
            )

    def _current(self) -> Any:
        """The run events go to: the process's current run (as transformers logs to ``wandb.run``).
        Read from the SDK's state, not ``trackwell.run`` (a module ``__getattr__``): every log."""
        run = current_run()
        return run if run is not None else self._run

    # --- Trainer events -----------------------------------------------------------------------

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if state.is_hyper_param_search:
            # One run per trial, as transformers does: the previous trial's run ends here.
            if current_run() is not None:
                trackwell.finish()
            self._initialized = False
            args.run_name = None
        # After the run was finished (trackwell.finish() between two train() calls), start anew
        # instead of logging into a finished run.
        if not self._initialized or (state.is_world_process_zero and current_run() is None):
            self.setup(args, state, model, **kwargs)

    def on_log(
        self, args: Any, state: Any, control: Any, model: Any = None, logs: Any = None, **kwargs: Any
    ) -> None:
        if not self._initialized:
            self.setup(args, state, model)
        if not state.is_world_process_zero:
            return
        row, summary = split_log(logs or {}, state.global_step)
        run = self._current()
        if summary:
            run.summary.update(summary)
        run.log(row)

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._log_model == "checkpoint" and self._initialized and state.is_world_process_zero:
            log_checkpoint(self._current(), args, state, self._num_parameters)

    def on_train_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if self._log_model != "false" and self._initialized and state.is_world_process_zero:
            # transformers 4.x passed the processor as ``tokenizer``.
            processor = kwargs.get("processing_class", kwargs.get("tokenizer"))
            log_final_model(self._current(), args, state, model, processor, self._num_parameters)

    def on_predict(self, args: Any, state: Any, control: Any, metrics: Any = None, **kwargs: Any) -> None:
        if not self._initialized:
            self.setup(args, state, kwargs.get("model"))
        if state.is_world_process_zero:
            self._current().log(rewrite_logs(metrics or {}))


TrackwellCallback = WandbCallback
