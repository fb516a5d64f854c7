"""``run.watch()`` / ``run.unwatch()``: histograms of a PyTorch model's gradients and parameters.

The keys and frequency of wandb's ``wandb.watch`` (``wandb/sdk/wandb_watch.py`` and
``wandb/integration/torch/wandb_torch.py``); the hooks that produce them are in :mod:`watch_hooks`:

- ``gradients/<prefix><name>``: every ``log_freq``-th backward pass through the model, the
  histogram of each trainable parameter's gradient in that pass.
- ``parameters/<prefix><name>``: on the same passes, every parameter's histogram, with the values
  that pass's forward used (wandb takes them from a forward hook at the same point of the step).
  Evaluation passes are never counted.
- ``<prefix>`` is wandb's: empty for the first model a run watches (index 0), ``graph_<i>`` for
  index i > 0 with no separator (``gradients/graph_1fc.weight``), the index counting the models
  watched, or ``idx + position`` when ``idx`` is given. Dashboards built for wandb keep working.
  The count is per run (wandb's is per process) and continues after the highest index used, so an
  explicit ``idx`` never makes a later model share another's keys.
- Values are ``trackwell.Histogram`` with 64 bins (:mod:`watch_stats`), logged with
  ``commit=False``: they join the row of the user's next ``log()`` call instead of adding rows.
- ``log_graph=True`` records the module tree in the summary as ``graph_<i>`` (:mod:`watch_graph`).

Watching a model again (also after ``unwatch``) replaces its hooks (new ``log``/``log_freq``, same
prefix) instead of logging twice; ``unwatch`` and ``run.finish()`` remove every hook. A histogram
that fails (an odd tensor type) is reported once and skipped: watching never breaks a training step.

torch is imported here, inside the calls: ``import trackwell`` stays free of it.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass, field
from typing import Any

from trackwell.sdk.errors import UsageError
from trackwell.sdk.term import termwarn
from trackwell.sdk.watch_graph import hook_graph
from trackwell.sdk.watch_hooks import ModelHooks

log = logging.getLogger("trackwell.sdk")

LOG_CHOICES = ("gradients", "parameters", "all", None)


@dataclass
class _Watched:
    """One watched model: its :class:`ModelHooks` and graph hooks, anything with ``remove()``."""

    handles: list[Any] = field(default_factory=list)

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles.clear()


class Watcher:
    """The watched models of one run (``run._watcher``); removes their hooks when the run finishes."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.next_idx = 0
        # Weak keys: watching a model must not keep it alive after the user dropped it.
        self.models: weakref.WeakKeyDictionary[Any, _Watched] = weakref.WeakKeyDictionary()
        # A model's index outlives unwatch: watching it again continues the same keys.
        self.indices: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._warned: set[str] = set()
        run._on_finish.append(lambda _run: self.unwatch_all())

    def emit(self, row: dict[str, Any]) -> None:
        """Log a row of histograms into the run's open row (the user's next ``log()``)."""
        if not self.run._finished:
            self.run.log(row, commit=False)

    def warn_once(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(text)
            termwarn(text)

    # --- watch / unwatch ----------------------------------------------------------------------

    def watch(
        self, model: Any, idx: int | None, log_what: str | None, log_freq: int, log_graph: bool
    ) -> None:
        previous = self.models.pop(model, None)
        if previous is not None:
            previous.remove()  # a second watch replaces the first: never two sets of hooks
        if idx is None:
            idx = self.indices.get(model, self.next_idx)
        self.next_idx = max(self.next_idx, idx + 1)
        self.indices[model] = idx
        watched = self.models[model] = _Watched()
        prefix = f"graph_{idx}" if idx > 0 else ""
        if log_what is not None:
            gradients, parameters = log_what in ("gradients", "all"), log_what in ("parameters", "all")
            hooks = ModelHooks(model, prefix, log_freq, gradients, parameters, self.emit, self.warn_once)
            watched.handles.append(hooks)
        if log_graph:
            watched.handles.extend(hook_graph(self.run, model, f"graph_{idx}"))

    def unwatch(self, model: Any) -> None:
        watched = self.models.pop(model, None)
        if watched is None:
            termwarn(f"run.unwatch: {type(model).__name__} model has not been watched; nothing to remove")
            return
        watched.remove()

    def unwatch_all(self) -> None:
        for watched in list(self.models.values()):
            watched.remove()
        self.models.clear()


def watch(
    run: Any,
    models: Any,
    criterion: Any = None,
    log: str | None = "gradients",
    log_freq: int = 1000,
    idx: int | None = None,
    log_graph: bool = False,
) -> None:
    """``run.watch``: see the module docstring. ``criterion`` is accepted for wandb compatibility
    (wandb only uses it inside its graph, which does not draw the loss)."""
    if log not in LOG_CHOICES:
        raise ValueError(
            f"run.watch(log={log!r}): log must be one of 'gradients', 'parameters', 'all' or None"
        )
    if isinstance(log_freq, bool) or not isinstance(log_freq, int) or log_freq < 0:
        raise ValueError(
            f"run.watch(log_freq={log_freq!r}): log_freq must be an integer >= 0, the number of "
            "batches between histograms (0 and 1 both log every batch, as in wandb)"
        )
    if idx is not None and (isinstance(idx, bool) or not isinstance(idx, int) or idx < 0):
        raise ValueError(f"run.watch(idx={idx!r}): idx must be None or an integer >= 0")
    model_list = _as_models(models, "run.watch")
    if run._finished:
        raise UsageError("run.watch(): the run is finished; call it on a run started by trackwell.init()")
    watcher = _watcher(run)
    for position, model in enumerate(model_list):
        watcher.watch(
            model,
            None if idx is None else idx + position,
            log,
            max(log_freq, 1),
            bool(log_graph),
        )


def unwatch(run: Any, models: Any = None) -> None:
    """``run.unwatch``: remove the hooks of ``models`` (a model or a list), or of every watched model."""
    watcher: Watcher | None = getattr(run, "_watcher", None)
    if models is None or (isinstance(models, list | tuple) and not models):  # as in wandb: all
        if watcher is not None:
            watcher.unwatch_all()
        return
    model_list = _as_models(models, "run.unwatch")
    for model in model_list:
        if watcher is None:
            termwarn(f"run.unwatch: {type(model).__name__} model has not been watched; nothing to remove")
        else:
            watcher.unwatch(model)


def _watcher(run: Any) -> Watcher:
    watcher: Watcher | None = getattr(run, "_watcher", None)
    if watcher is None:
        watcher = run._watcher = Watcher(run)
    return watcher


def _as_models(models: Any, call: str) -> list[Any]:
    try:
        import torch
    except ImportError as exc:
        raise ImportError(f"{call}() needs PyTorch: pip install torch (or 'trackwell[lightning]')") from exc
    model_list = list(models) if isinstance(models, list | tuple) else [models]
    for model in model_list:
        if not isinstance(model, torch.nn.Module):
            raise TypeError(
                f"{call}(models=...) takes a torch.nn.Module or a list/tuple of them; got "
                f"{type(model).__module__}.{type(model).__name__}"
            )
    return model_list
