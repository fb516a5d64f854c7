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


def rewrite_logs(logs: Mapping[str, Any]) -> dict[str, Any]:
    """``eval_loss`` -> ``eval/loss``, ``test_x`` -> ``test/x``, anything else ``x`` -> ``train/x``:
    the section names wandb's charts are grouped by (transformers' ``rewrite_logs``)."""
    rewritten: dict[str, Any] = {}
    for key, value in logs.items():
        if key.startswith("eval_"):
            rewritten["eval/" + key[len("eval_") :]] = value
        elif key.startswith("test_"):
            rewritten["test/" + key[len("test_") :]] = value
        else:
            rewritten["train/" + key] = value
    return rewritten


def split_log(logs: Mapping[str, Any], global_step: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(row, summary)`` for one ``on_log``: the end-of-training scalars go to the summary under
    their own names; the rest is rewritten and stamped with ``train/global_step``."""
    summary = {k: v for k, v in logs.items() if k in SINGLE_VALUE_SCALARS}
    rest = {k: v for k, v in logs.items() if k not in SINGLE_VALUE_SCALARS}
    row = rewrite_logs(rest)
    row[STEP_METRIC] = global_step
    return row, summary
