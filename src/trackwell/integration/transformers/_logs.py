"""How a Trainer log becomes a history row and summary values: transformers' own ``rewrite_logs``
and the end-of-training scalars its WandbCallback puts in the summary instead of a row.

Kept free of any transformers import so the key rules can be read (and tested) on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The one-off values Trainer logs when training ends. transformers' WandbCallback writes them to the
# summary, not to a row, so charts do not get a single lonely point at the last step.
SINGLE_VALUE_SCALARS = (
    "train_runtime",
    "train_samples_per_second",
    "train_steps_per_second",
    "train_loss",
    "total_flos",
)

STEP_METRIC = "train/global_step"


_SINGLE = frozenset(SINGLE_VALUE_SCALARS)


def _rewritten(key: str) -> str:
    if key.startswith("eval_"):
        return "eval/" + key[5:]
    if key.startswith("test_"):
        return "test/" + key[5:]
    return "train/" + key


def rewrite_logs(logs: Mapping[str, Any]) -> dict[str, Any]:
    """``eval_loss`` -> ``eval/loss``, ``test_x`` -> ``test/x``, anything else ``x`` -> ``train/x``:
    the section names wandb's charts are grouped by (transformers' ``rewrite_logs``)."""
    return {_rewritten(key): value for key, value in logs.items()}


def split_log(logs: Mapping[str, Any], global_step: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(row, summary)`` for one ``on_log``: the end-of-training scalars go to the summary under
    their own names; the rest is rewritten and stamped with ``train/global_step``. One pass: this
    runs at every Trainer log."""
    row: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    for key, value in logs.items():
        if key in _SINGLE:
            summary[key] = value
        else:
            row[_rewritten(key)] = value
    row[STEP_METRIC] = global_step
    return row, summary
