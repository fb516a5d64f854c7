"""What every framework integration needs the same way, written once.

- :func:`setting` reads an integration switch from ``TRACKWELL_<NAME>`` or wandb's ``WANDB_<NAME>``
  (ours wins), so code and CI jobs written for wandb keep their environment.
- :func:`active_run_or_init` gives the run the user started, or starts one the way wandb's
  integrations do when there is none.
- :func:`log_model_files` logs a checkpoint file or folder as a ``model`` artifact, one rule for the
  name, type and metadata so every framework's model versions look alike in the UI.

Nothing here imports a framework: ``import trackwell`` stays free of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal


def setting(name: str, default: str | None = None) -> str | None:
    """``TRACKWELL_<name>`` if set (and not blank), else ``WANDB_<name>``, else ``default``."""
    for prefix in ("TRACKWELL_", "WANDB_"):
        value = os.environ.get(prefix + name)
        if value is not None and value.strip():
            return value.strip()
    return default


def setting_flag(name: str, default: bool = False) -> bool:
    """A boolean switch: ``1/true/yes/on`` (any case) are true, ``0/false/no/off`` false."""
    value = setting(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{'TRACKWELL_' + name} / {'WANDB_' + name} must be true or false, got {value!r}")


def active_run_or_init(**init_kwargs: Any) -> Any:
    """The run already started in this process, or a new one from ``trackwell.init(**init_kwargs)``
    (``None`` values are dropped so the environment and settings fill them, as for wandb)."""
    import trackwell

    if trackwell.run is not None:
        return trackwell.run
    return trackwell.init(**{k: v for k, v in init_kwargs.items() if v is not None})


def log_model_files(
    run: Any,
    path: str | os.PathLike[str],
    name: str,
    *,
    aliases: Iterable[str] = (),
    metadata: Mapping[str, Any] | None = None,
    artifact_type: str = "model",
    entry_name: str | None = None,
    policy: Literal["mutable", "immutable"] = "mutable",
) -> Any:
    """Log ``path`` (a file or a folder) as a new version of artifact ``name`` (type ``model``) with
    ``aliases`` and ``metadata``; returns the logged artifact. Unchanged files are deduplicated by
    the artifact store, so logging the same checkpoint twice costs no upload.

    ``entry_name`` names a single file inside the artifact (default: its own name; Lightning's
    logger stores every checkpoint as ``model.ckpt``); ``policy`` is ``add_file``'s (``"mutable"``
    copies the file aside first, ``"immutable"`` trusts it not to change before the upload)."""
    import trackwell

    source = Path(path)
    artifact = trackwell.Artifact(name=name, type=artifact_type, metadata=dict(metadata or {}))
    if source.is_dir():
        artifact.add_dir(str(source))
    else:
        artifact.add_file(str(source), name=entry_name or source.name, policy=policy)
    return run.log_artifact(artifact, aliases=list(aliases))
