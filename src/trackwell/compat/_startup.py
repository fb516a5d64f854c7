"""What the ``trackwell_alias_wandb.pth`` start-up hook runs when ``TRACKWELL_ALIAS_WANDB`` is set.

The ``.pth`` line itself only looks the variable up (nothing is imported when it is unset); this
module reads its value and aliases. Nothing here may stop Python from starting: every failure becomes
one warning on stderr and the process runs on without the alias.
"""

from __future__ import annotations

import os
import sys

_ON = ("1", "true", "yes", "on")
_OFF = ("", "0", "false", "no", "off")


def _warn(text: str) -> None:
    try:
        sys.stderr.write(f"trackwell: WARNING {text}\n")
    except Exception:  # a closed or missing stderr at start-up: stay silent rather than fail
        pass


def apply_from_environment() -> bool:
    """Alias wandb if ``TRACKWELL_ALIAS_WANDB`` is on; True when it did. Never raises."""
    try:
        value = os.environ.get("TRACKWELL_ALIAS_WANDB", "").strip().lower()
        if value in _OFF:
            return False
        if value not in _ON:
            _warn(f"TRACKWELL_ALIAS_WANDB must be 1 or 0, got {value!r}: wandb is not aliased")
            return False
        from trackwell.compat import alias_wandb

        alias_wandb()
        return True
    except Exception as exc:
        _warn(f"TRACKWELL_ALIAS_WANDB is set but the wandb alias could not be applied: {exc!r}")
        return False
