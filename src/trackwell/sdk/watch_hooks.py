"""The hooks ``run.watch`` puts on one model, and when they log.

wandb puts a counting hook on every parameter (a Python call per parameter on every backward pass)
plus a forward hook on the model. On a small model those calls cost more than the histograms
themselves at wandb's default frequency, so the work is arranged differently here, with the same
result for a training loop:

- A *clock*: one tensor hook on the model's first trainable parameter counts backward passes (one
  Python call per pass, whatever the number of parameters).
- Before every ``log_freq``-th pass (at the end of the pass before it, through autograd's
  end-of-backward callback), one-shot hooks are armed on every trainable parameter: in that pass
  each takes the histogram of its gradient (the gradient of that pass, as wandb's hooks see it,
  not the sum accumulated in ``.grad``). At the end of the pass they are removed, the parameters'
  histograms are added (``log`` "parameters"/"all") and everything goes to the run in one
  ``log(..., commit=False)``: the row of the user's next ``log()`` call.
- Parameters are taken at the end of that backward pass, before the optimizer's step, so they are
  the values the forward pass used, which wandb's forward hook also logs. Driving them from the
  backward pass also works where forward hooks never fire: a LightningModule whose
  ``training_step`` calls its layers directly (wandb logs no parameters there, wandb/wandb#2342),
  and evaluation passes are never counted.
- A model with no trainable parameter (a frozen teacher, often run in eval mode under
  ``no_grad``) has no backward pass to count: its parameters are logged from a forward hook every
  ``log_freq``-th call of the model, as wandb does.

A pass counts when it reaches the clock parameter. A parameter that takes no part in a logging
pass (an unused branch) is left out of that row.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from trackwell.data_types.histogram import Histogram
from trackwell.sdk.watch_stats import tensor_histogram

Emit = Callable[[dict[str, Any]], None]  # logs a row of histograms into the open row
Warn = Callable[[str, str], None]  # (key, message): reported once per key


class ModelHooks:
    """Every hook of one watched model; :meth:`remove` takes them all off."""

    def __init__(
        self,
        model: Any,
        prefix: str,
        log_freq: int,
        gradients: bool,
        parameters: bool,
        emit: Emit,
        warn: Warn,
    ) -> None:
        self._model = weakref.ref(model)  # the watcher's registry must not keep a dropped model alive
        self._prefix = prefix
        self._log_freq = log_freq
        self._gradients = gradients
        self._parameters = parameters
        self._emit = emit
        self._warn = warn
        self._passes = 0
        self._pending: dict[str, Any] = {}
        self._armed: list[Any] = []  # handles of this pass's one-shot gradient hooks
        self._handles: list[Any] = []
        trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        self._trainable = [(f"gradients/{prefix}{n}", weakref.ref(p)) for n, p in trainable]
        if trainable:
            self._handles.append(trainable[0][1].register_hook(self._clock))
            if log_freq == 1:
                self._arm()
        elif parameters:
            self._handles.append(model.register_forward_hook(self._forward_clock))

    def remove(self) -> None:
        self._disarm()
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._pending.clear()

    # --- the backward clock --------------------------------------------------------------------

    def _clock(self, _grad: Any) -> None:
        self._passes += 1
        if self._armed:  # this pass logs
            _at_end_of_backward(self._finish_logging_pass)
        elif (self._passes + 1) % self._log_freq == 0:
            _at_end_of_backward(self._arm)  # the next pass logs: arm its hooks once this one is done

    def _arm(self) -> None:
        if not self._gradients:
            self._armed.append(None)  # a marker: the next pass logs (parameters only)
            return
        for key, param_ref in self._trainable:
            param = param_ref()
            if param is not None:
                self._armed.append(param.register_hook(self._gradient_hook(key)))

    def _gradient_hook(self, key: str) -> Callable[[Any], None]:
        def hook(grad: Any) -> None:
            self._histogram(key, grad)

        return hook

    def _disarm(self) -> None:
        for handle in self._armed:
            if handle is not None:
                handle.remove()
        self._armed.clear()

    def _finish_logging_pass(self) -> None:
        self._disarm()
        model = self._model()
        if self._parameters and model is not None:
            self._log_parameters(model)
        self._flush()
        if (self._passes + 1) % self._log_freq == 0:
            self._arm()  # log_freq=1: every pass logs

    # --- models without trainable parameters: wandb's forward hook ----------------------------

    def _forward_clock(self, module: Any, _inputs: Any, _output: Any) -> None:
        self._passes += 1
        if self._passes % self._log_freq == 0:
            self._log_parameters(module)
            self._flush()

    # --- histograms ----------------------------------------------------------------------------

    def _log_parameters(self, model: Any) -> None:
        for name, param in model.named_parameters():
            self._histogram(f"parameters/{self._prefix}{name}", param)

    def _histogram(self, key: str, tensor: Any) -> None:
        try:
            hist = tensor_histogram(tensor)
        except Exception as exc:  # never break the user's training step over a histogram
            self._warn(key, f"run.watch: could not histogram {key!r} ({exc}); skipping it")
            return
        if hist is None:
            self._warn(key, f"run.watch: {key!r} had no finite value; nothing logged for it")
            return
        if hist.left_out:
            self._warn(key, f"run.watch: {key!r} had NaN/Inf values; they are left out of its bins")
        self._pending[key] = WatchHistogram(hist.counts, hist.edges)

    def _flush(self) -> None:
        if self._pending:
            row, self._pending = self._pending, {}
            self._emit(row)


class WatchHistogram(Histogram):
    """A ``trackwell.Histogram`` made from counts and edges already checked by ``tensor_histogram``
    (plain ints and floats, one more edge than counts): it skips the constructor's conversions,
    which cost more than the binning itself on small tensors."""

    def __init__(self, counts: list[int], edges: list[float]) -> None:
        self.histogram = list[float](counts)  # Histogram's own type; the values stay ints
        self.bins = edges


def _at_end_of_backward(callback: Callable[[], None]) -> None:
    import torch

    torch.autograd.Variable._execution_engine.queue_callback(callback)
