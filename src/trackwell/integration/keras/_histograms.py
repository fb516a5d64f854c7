"""``WandbCallback(log_weights=True, log_gradients=True)``: wandb's parameter and gradient histograms.

Keys as wandb's legacy callback writes them: ``parameters/<layer>.weights`` and
``parameters/<layer>.bias`` for layers with one or two weight arrays, and
``gradients/<layer>/<variable>.gradient`` for every trainable variable.

Gradients are taken the way wandb takes them, which works on every Keras backend: a model sharing the
user's layers is compiled with an optimizer whose "update" writes the gradient into the variable; one
pass of ``fit`` over ``training_data`` (batch size 32, as ``fit``'s default) adds up each batch's
gradient, and the user's weights (non-trainable state included) are put back after every batch. It
costs one extra epoch over ``training_data`` per logged epoch: opt-in, as in wandb.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

import trackwell

from ._shared import warn_once


def weight_histograms(model: Any) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for layer in model.layers:
        weights = layer.get_weights()
        if len(weights) not in (1, 2):  # wandb's rule: kernel, or kernel and bias
            continue
        for suffix, values in zip((".weights", ".bias"), weights, strict=False):
            if np.issubdtype(values.dtype, np.number):
                metrics[f"parameters/{layer.name}{suffix}"] = trackwell.Histogram(values)
            else:
                warn_once(
                    f"non-numeric:{layer.name}",
                    f"Non-numeric values found in layer: {layer.name}, not logging this layer",
                )
    return metrics


def variable_name(model: Any, variable: Any) -> str:
    """``dense/kernel`` (TensorFlow's name for it, which wandb's keys use), from Keras 3's path
    ``sequential/dense/kernel``."""
    path = str(getattr(variable, "path", variable.name))
    prefix = f"{model.name}/"
    return path[len(prefix) :] if path.startswith(prefix) else path


class _GradientAsWeights(keras.optimizers.Optimizer):  # type: ignore[misc]
    """An optimizer whose step stores the gradient in the variable (wandb's ``_CustomOptimizer``)."""

    def __init__(self) -> None:
        super().__init__(learning_rate=0.0, name="trackwell_gradient_probe")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        self.assign(variable, gradient)


class _Accumulate(keras.callbacks.Callback):  # type: ignore[misc]
    """After each batch: add the gradients (now in the variables) up, then restore the weights."""

    def __init__(self, user_model: Any) -> None:
        super().__init__()
        self.user_model = user_model
        self.saved = user_model.get_weights()
        self.sums = [np.zeros(tuple(w.shape), dtype="float64") for w in user_model.trainable_weights]

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        for total, weight in zip(self.sums, self.user_model.trainable_weights, strict=True):
            total += keras.ops.convert_to_numpy(weight)
        self.user_model.set_weights(self.saved)


class GradientLogger:
    """Summed training gradients over ``training_data`` as histograms (see the module doc)."""

    def __init__(self, training_data: Any) -> None:
        if training_data is None:
            raise ValueError(
                "WandbCallback(log_gradients=True) needs training_data=(x, y), the data to compute "
                "gradients on (as in wandb); pass e.g. training_data=(x_train[:256], y_train[:256])"
            )
        if isinstance(training_data, (list, tuple)):
            if len(training_data) != 2:
                raise ValueError("WandbCallback(training_data=...) must be a tuple of length two: (x, y)")
            self.x, self.y = training_data
        else:  # a generator or dataset yielding (x, y)
            self.x, self.y = training_data, None
        self._probe: Any = None

    def _build(self, model: Any) -> Any:
        if not model.inputs:
            raise ValueError(
                "WandbCallback(log_gradients=True) needs a Sequential or functional model with known "
                "inputs (model.inputs); call model.build(...) or use log_gradients=False"
            )
        probe = keras.Model(model.inputs, model(model.inputs))
        probe.compile(loss=model.loss, optimizer=_GradientAsWeights())
        return probe

    def histograms(self, model: Any) -> dict[str, Any]:
        if self._probe is None:
            self._probe = self._build(model)
        accumulate = _Accumulate(model)
        try:
            self._probe.fit(self.x, self.y, epochs=1, verbose=0, callbacks=[accumulate])
        finally:
            model.set_weights(accumulate.saved)
        return {
            f"gradients/{variable_name(model, weight)}.gradient": trackwell.Histogram(total)
            for weight, total in zip(model.trainable_weights, accumulate.sums, strict=True)
        }
