"""What the command-line agent settles before its loop: its limits, read from W&B's environment
variables (``TRACKWELL_*`` spellings win), and whether the sweep's trials can start from here at all.

Both fail early and clearly (``InvalidArgument`` naming the variable or the config key and the fix),
before the agent registers and leases a trial it could not run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.sweeps.macros import DEFAULT_COMMAND, uses_macro


def _env_value(environ: Mapping[str, str], name: str) -> tuple[str, str] | None:
    """``(variable, value)`` of ``TRACKWELL_<name>`` or else ``WANDB_<name>``, when set."""
    for variable in (f"TRACKWELL_{name}", f"WANDB_{name}"):
        if environ.get(variable, "").strip():
            return variable, environ[variable].strip()
    return None


@dataclass(frozen=True)
class AgentOptions:
    """The agent's limits; :meth:`from_env` reads W&B's variables (``TRACKWELL_*`` win)."""

    count: int | None = None
    kill_delay: float = 30.0
    flapping: bool = True
    max_initial_failures: int = 5
    poll_seconds: float = 0.05
    retry_max_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str], count: int | None = None) -> AgentOptions:
        """Raises ``InvalidArgument`` naming the variable when a value is malformed."""
        options: dict[str, Any] = {"count": count}
        if (found := _env_value(environ, "AGENT_KILL_DELAY")) is not None:
            options["kill_delay"] = _number(*found, float)
        if (found := _env_value(environ, "AGENT_MAX_INITIAL_FAILURES")) is not None:
            options["max_initial_failures"] = _number(*found, int)
        if (found := _env_value(environ, "AGENT_DISABLE_FLAPPING")) is not None:
            options["flapping"] = found[1].lower() not in ("true", "1", "yes")
        return cls(**options)


def _number(variable: str, text: str, kind: Callable[[str], float]) -> Any:
    try:
        value = kind(text)
    except ValueError:
        value = -1
    if value < 0:
        raise InvalidArgument(
            f"{variable}={text!r} is not a non-negative {kind.__name__}", field=variable, hint="e.g. 30"
        )
    return value


def check_program(command: list[Any] | None, program: str | None, cwd: Path) -> None:
    """Refuse, before any trial is leased, a sweep whose trials could not start from ``cwd``:
    no ``program`` for ``${program}``, or a program file that is not there (W&B resolves a
    relative ``program`` from the agent's working folder; so does this agent)."""
    tokens = [str(t) for t in (command or DEFAULT_COMMAND)]
    if not uses_macro(tokens, "program"):
        return
    if not program:
        raise InvalidArgument(
            "the sweep's command runs ${program} but its config has no 'program'",
            field="program",
            hint="add `program: train.py` to the sweep config (trackwell sweep --update ID CONFIG.yaml), "
            "or run trials in Python with trackwell.agent(sweep_id, function=train)",
        )
    path = Path(program) if Path(program).is_absolute() else cwd / program
    through_interpreter = uses_macro(tokens, "interpreter")
    if not path.exists() and (through_interpreter or shutil.which(program) is None):
        raise InvalidArgument(
            f"the sweep's program {program!r} is not in {cwd}",
            field="program",
            hint="start `trackwell agent` in the folder that holds it: as in W&B, a relative program is "
            "found from the agent's working folder; or give its absolute path in the config",
        )
