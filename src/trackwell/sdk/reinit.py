"""What ``init()`` does when it is called while a run is active: wandb 0.31's ``reinit``.

``"default"`` is ``"return_previous"`` in a script and ``"finish_previous"`` in a notebook (cells are
run again); ``True``/``False`` are the legacy spellings of ``"finish_previous"``/``"return_previous"``;
``"create_new"`` starts another run alongside, which does not become ``trackwell.run``. Each case says
on the terminal what it did, so a script that forgot ``finish()`` is not silently merged into one run.

Kept apart from ``init`` (which starts a run) because it is a policy over the runs this process
already started, with its own small registry.
"""

from __future__ import annotations

import sys

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk import active, term
from trackwell.sdk.disabled import RunDisabled
from trackwell.sdk.errors import UsageError
from trackwell.sdk.run import Run
from trackwell.sdk.settings_coerce import coerce

# Runs this process started, oldest first; the finished ones are dropped when looked at.
_started: list[Run | RunDisabled] = []


def reinit_policy(reinit: bool | str | None) -> str:
    """``"return_previous"``, ``"finish_previous"`` or ``"create_new"`` for a ``reinit`` value."""
    try:
        policy = str(coerce("reinit", reinit, source="reinit"))
    except InvalidArgument as exc:
        raise UsageError(str(exc)) from None
    if policy == "default":
        return "finish_previous" if _in_notebook() else "return_previous"
    return policy


def _in_notebook() -> bool:
    """A Jupyter or Colab kernel."""
    shell = sys.modules.get("IPython")
    get_ipython = getattr(shell, "get_ipython", None) if shell is not None else None
    if get_ipython is None:
        return False
    try:
        kernel = get_ipython()
    except Exception:
        return False
    return kernel is not None and type(kernel).__name__ in ("ZMQInteractiveShell", "Shell")


def active_runs() -> list[Run | RunDisabled]:
    """The runs of this process that have not finished, oldest first."""
    current = active.current()
    _started[:] = [r for r in _started if (not r._finished if isinstance(r, Run) else r is current)]
    if current is not None and current not in _started:
        _started.append(current)
    return list(_started)


def before_init(policy: str) -> Run | RunDisabled | None:
    """Apply ``policy`` to the active runs: the run ``init()`` must return (``return_previous``), or
    None when it goes on to start a new one (after finishing the others for ``finish_previous``)."""
    previous = active_runs()
    if not previous:
        return None
    if policy == "return_previous":
        latest = previous[-1]
        term.termwarn(
            f"init() was called while run {latest.name} ({latest.id}) is active: returning that "
            "run, the new arguments are ignored; call finish() first, or pass "
            "reinit='finish_previous' (or 'create_new') to start another run"
        )
        return latest
    if policy == "finish_previous":
        for run in previous:
            term.termlog(f"finishing run {run.name} ({run.id}) before starting a new one (reinit)")
            run.finish()
    return None


def started(run: Run | RunDisabled, policy: str) -> None:
    """Record a new run; it becomes ``trackwell.run`` unless made alongside (``create_new``) another."""
    _started.append(run)
    if policy != "create_new" or active.current() is None:
        active.set_current(run)
