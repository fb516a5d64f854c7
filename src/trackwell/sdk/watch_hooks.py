"""The hooks ``run.watch`` puts on one model, and when they log.

wandb puts a counting hook on every parameter (a Python call per parameter on every backward pass)
plus a forward hook on the model. On a small model those calls cost more than the histograms
themselves at wandb's default frequency, so the work is arranged differently here, with the same
result for a training loop:

- A *clock*: one tensor hook on the model's first trainable parameter counts backward passes (one
  Python call per pass, whatever the number of parameters).
- Before every ``log_freq``-th pass (at the end of the pass before it, through autograd's
  end-of-backward callback), one-shot hooks are armed on every trainable parameter: in that pass
  each keeps its gradient (the gradient of that pass, as wandb's hooks see it, not the sum
  accumulated in ``.grad``). At the end of the pass they are removed, and the gradients and (``log``
  "parameters"/"all") the parameters go to the run in one ``log(..., commit=False)``: the row of
  the user's next ``log()`` call. The small tensors are copied to the host together there (one
  transfer: ``watch_stats.HostBatch``) and binned, in one numpy pass, by the SDK's thread as it
  writes the row; the training thread only takes the copy. Between logging passes the only work is
  the clock's one call per pass.
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
from trackwell.sdk.watch_stats import HostBatch, TensorHistogram, tensor_histogram

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
        self._tensors: list[tuple[str, Any]] = []  # (key, tensor) to bin at the end of the pass
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
        self._tensors.clear()

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
        # The gradient is kept, not copied: holding it makes autograd accumulate a copy into .grad
        # instead of this tensor, so nothing changes it before it is binned at the end of the pass.
        def hook(grad: Any) -> None:
            self._tensors.append((key, grad))

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
        prefix = f"parameters/{self._prefix}"
        self._tensors.extend((prefix + name, param) for name, param in model.named_parameters())

    def _flush(self) -> None:
        """Log what the pass kept. The small tensors are copied to the host together (one snapshot)
        and, when every value is finite, binned later by the SDK's thread as it writes the row;
        the others (large, sparse, with NaN/Inf) are binned now, one by one, and a tensor that
        fails is reported once and skipped."""
        if not self._tensors:
            return
        keys, tensors = zip(*self._tensors, strict=True)
        self._tensors = []
        try:
            batch: HostBatch | None = HostBatch(tensors)
        except Exception:  # an odd tensor type: bin each alone, reporting the ones that fail
            batch = None
        later = batch if batch is not None and batch.all_finite() else None
        binned = batch.histograms() if batch is not None and later is None else {}
        row: dict[str, Any] = {}
        for position, key in enumerate(keys):
            if later is not None and position in later.positions:
                row[key] = WatchHistogram(batch=later, position=position)
                continue
            hist = binned.get(position) or self._one(key, tensors[position])
            if hist is not None:
                row[key] = WatchHistogram(hist)
        if row:
            self._emit(row)

    def _one(self, key: str, tensor: Any) -> TensorHistogram | None:
        try:
            hist = tensor_histogram(tensor)
        except Exception as exc:  # never break the user's training step over a histogram
            self._warn(key, f"run.watch: could not histogram {key!r} ({exc}); skipping it")
            return None
        if hist is None:
            self._warn(key, f"run.watch: {key!r} had no finite value; nothing logged for it")
        elif hist.left_out:
            self._warn(key, f"run.watch: {key!r} had NaN/Inf values; they are left out of its bins")
        return hist


class WatchHistogram(Histogram):
    """A ``trackwell.Histogram`` of a ``TensorHistogram`` (plain ints, checked edges), or of one
    tensor of a :class:`HostBatch`: it skips the constructor's conversions, and its counts (for a
    batch) and edges are worked out when first read, which is when the SDK's thread writes the row
    (``to_json``), not on the training thread."""

    def __init__(
        self, hist: TensorHistogram | None = None, batch: HostBatch | None = None, position: int = 0
    ) -> None:
        self._hist = hist
        self._batch = batch
        self._position = position

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set yet: Histogram's ``histogram`` and ``bins``.
        if name not in ("histogram", "bins") or "_position" not in self.__dict__:
            raise AttributeError(name)
        hist = self._hist
        if hist is None:
            assert self._batch is not None
            hist = self._batch.histograms()[self._position]
            self._batch = None
        self.histogram = list[float](hist.counts)  # Histogram's own type; the values stay ints
        self.bins = hist.edges
        return self.__dict__[name]


def _at_end_of_backward(callback: Callable[[], None]) -> None:
    import torch

    torch.autograd.Variable._execution_engine.queue_callback(callback)
