"""Lightning's ``ModelCheckpoint`` files as ``model`` artifacts, exactly as Lightning's own
``WandbLogger._scan_and_log_checkpoints`` logs them: every checkpoint file not logged yet (or
rewritten since: the same name saved again, ``last.ckpt``), oldest first, one version each of
``model-<run id>`` (or ``checkpoint_name``), the file stored as ``model.ckpt``, aliases ``latest``
plus ``best`` when it is the callback's best model, and metadata ``score``, ``original_filename``
and the callback's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from trackwell.integration._common import log_model_files

# The ModelCheckpoint settings Lightning copies into each version's metadata.
CALLBACK_SETTINGS = (
    "monitor",
    "mode",
    "save_last",
    "save_top_k",
    "save_weights_only",
    "_every_n_train_steps",
)


def metadata(checkpoint_callback: Any, path: str, score: Any) -> dict[str, Any]:
    if hasattr(score, "item"):  # a tensor (best_model_score, current_score)
        score = score.item()
    return {
        "score": score,
        "original_filename": Path(path).name,
        # __class__, not type(): Lightning hands loggers its callbacks behind a proxy object
        checkpoint_callback.__class__.__name__: {
            key: getattr(checkpoint_callback, key)
            for key in CALLBACK_SETTINGS
            # a ModelCheckpoint of another Lightning version may lack one: skip it, do not break
            if hasattr(checkpoint_callback, key)
        },
    }


def scan_and_log(
    run: Any,
    checkpoint_callback: Any,
    logged_model_time: dict[str, float],
    artifact_name: str,
    policy: Literal["mutable", "immutable"],
) -> int:
    """Log the callback's new checkpoints to ``run``; remember their mtimes in
    ``logged_model_time``. Returns how many versions were logged."""
    from lightning.pytorch.loggers.utilities import _scan_checkpoints

    logged = 0
    for mtime, path, score, _tag in _scan_checkpoints(checkpoint_callback, logged_model_time):
        best = path == checkpoint_callback.best_model_path
        log_model_files(
            run,
            path,
            artifact_name,
            aliases=["latest", "best"] if best else ["latest"],
            metadata=metadata(checkpoint_callback, path, score),
            entry_name="model.ckpt",
            policy=policy,
        )
        # by time, not name: a checkpoint saved again under the same name is logged again
        logged_model_time[path] = mtime
        logged += 1
    return logged
