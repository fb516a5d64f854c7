"""``trackwell.restore``: fetch a file of a run (the current one by default) into a local folder.

wandb's use: resume training from a checkpoint saved with ``run.save()`` on another machine.

It lives with the ``Api`` (which it uses to read the run) rather than in the SDK: the SDK never
imports ``trackwell.apis``, so the two packages cannot import each other in a circle.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from trackwell.apis.api import Api
from trackwell.apis.downloads import download_target
from trackwell.sdk import active
from trackwell.sdk.errors import UsageError
from trackwell.sdk.settings import Settings


def restore(
    name: str, run_path: str | None = None, replace: bool = False, root: str | Path | None = None
) -> IO[str] | None:
    """Download ``name`` from ``run_path`` ("entity/project/run_id", default: the current run)
    into ``root`` (default: the current run's files folder, else "."), and open it for reading.

    An existing local copy is kept unless ``replace=True``. Returns None when the run has no such file.

    Raises:
        UnsafeDownloadError: ``name`` would land outside ``root`` (``../x``, an absolute path).
    """
    run = active.current()
    if run_path is None:
        if run is None or run.disabled:
            raise UsageError("trackwell.restore() needs run_path='entity/project/run_id' or an active run")
        run_path = "/".join(run.path) if isinstance(run.path, list) else str(run.path)
    folder = Path(root) if root is not None else Path(run.dir) if run is not None and run.dir else Path(".")
    target = download_target(folder, name)
    if target.exists() and not replace:
        return target.open()
    settings = run.settings if run is not None and isinstance(run.settings, Settings) else Settings.resolve()
    with Api(settings=settings) as api:
        remote = api.run(run_path)
        if name not in {f.name for f in remote.files()}:
            return None
        remote.file(name).download(root=folder, replace=True)
    return target.open()
