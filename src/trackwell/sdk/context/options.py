"""What run-context capture should record, read from the process at ``init()``.

Apart from ``metadata.py`` because ``init()`` builds it on the training thread, and the capture
itself (git, psutil, package metadata: tens of milliseconds of imports) runs on its own thread.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ContextOptions:
    """What to capture and from which process state. Build with :meth:`from_process` in ``init()``.

    ``program`` is the main script as started (``train.py``), ``-m package.module`` for ``python -m``,
    or ``None`` for an interactive session.
    """

    program: str | None
    args: list[str]
    cwd: Path
    environ: Mapping[str, str]
    disable_git: bool = False  # no git fields, no diff (WANDB_DISABLE_GIT)
    disable_code: bool = False  # no diff.patch and no code copy; the commit is still recorded
    save_code: bool = False  # copy the main script into files/code/ (WANDB_SAVE_CODE)
    capture_packages: bool = True  # write requirements.txt
    capture_gpu: bool = True  # query NVML for GPU names and driver
    env_allow: tuple[str, ...] = field(default=())  # extra variable names or PREFIX_* to record

    @classmethod
    def from_process(cls, **overrides: Any) -> ContextOptions:
        """Options describing the current process (``sys.argv``, cwd, ``os.environ``), then ``overrides``."""
        main = sys.modules.get("__main__")
        spec = getattr(main, "__spec__", None)
        argv0 = sys.argv[0] if sys.argv else ""
        if spec is not None and spec.name and spec.name != "__main__":
            program: str | None = "-m " + spec.name.removesuffix(".__main__")
        elif argv0 and argv0 not in ("-c", "-"):
            program = argv0
        else:
            program = None
        values: dict[str, Any] = {
            "program": program,
            "args": list(sys.argv[1:]),
            "cwd": Path.cwd(),
            "environ": dict(os.environ),
        }
        values.update(overrides)
        return cls(**values)
