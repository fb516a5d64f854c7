"""What the three Keras callbacks share: the run they log to, wandb's error when there is none, and
Keras values turned into what ``run.log`` takes.

The callbacks log to the *current* run at each call (``trackwell.run``), as wandb's call
``wandb.log``: a script that finishes one run and starts another between two ``fit`` calls logs the
second fit to the second run.
"""

from __future__ import annotations

from typing import Any

import keras

import trackwell
from trackwell.sdk import active
from trackwell.sdk.errors import Error

_warned: set[str] = set()


def require_run(callback: str) -> Any:
    """The current run, or wandb's error for a callback made before ``wandb.init()``.

    wandb raises ``wandb.Error("You must call wandb.init() before WandbCallback()")`` at construction
    (not at the first epoch): the message starts the same, then names the fix."""
    run = trackwell.run
    if run is None:
        raise Error(
            f"You must call wandb.init() before {callback}(): start a run first with "
            f"`run = trackwell.init(project=...)` (or `wandb.init(...)` with `import trackwell as wandb`), "
            f"then create the callback and pass it to model.fit(callbacks=[...])"
        )
    return run


def current_run(callback: str) -> Any:
    """The run to log to now (the user's current one); wandb's error if it was finished.
    ``trackwell.run`` read without the module ``__getattr__`` (this runs once per logged batch)."""
    run = active.state.run
    return run if run is not None else require_run(callback)


def keeps_batch_ends_of(callback: Any, base: type) -> bool:
    """Whether ``callback``'s class leaves ``base``'s batch-end hooks as they are. Only then may the
    callback say ``async_safe``: a subclass's own ``on_train_batch_end`` (reading the model, say)
    must keep running on the training thread, as Keras runs hooks by default."""
    cls = type(callback)
    return all(getattr(cls, hook) is getattr(base, hook) for hook in ("on_batch_end", "on_train_batch_end"))


def warn_once(key: str, text: str) -> None:
    """One warning per process for a switch we accept but do not act on (wandb's ``repeat=False``)."""
    if key not in _warned:
        _warned.add(key)
        trackwell.termwarn(text)


def scalar(value: Any) -> Any:
    """A Keras log value as ``run.log`` takes it: Python numbers as they are (the torch backend's
    logs are floats already: the fast path), 0-d tensors and numpy scalars as ``float``, anything
    else unchanged."""
    if isinstance(value, (float, int)):
        return value
    try:
        array = keras.ops.convert_to_numpy(value)
    except Exception:  # not a tensor: log what the user put in the logs
        return value
    return array.item() if getattr(array, "size", 0) == 1 else array


def scalars(logs: dict[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}{key}": scalar(value) for key, value in (logs or {}).items()}


def learning_rate(model: Any) -> float | None:
    """The optimizer's current learning rate (a schedule's value at the current iteration), as
    wandb's WandbMetricsLogger reads it; ``None`` (and one error line) when it cannot be read."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    try:
        return float(keras.ops.convert_to_numpy(optimizer.learning_rate).item())
    except Exception:
        if "lr" not in _warned:
            _warned.add("lr")
            trackwell.termerror("Unable to log learning rate.")
        return None
