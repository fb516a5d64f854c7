"""``report_to="trackwell"``: transformers picks its reporting callbacks from
``INTEGRATION_TO_CALLBACK`` by name, and expands ``report_to="all"`` with
``get_available_reporting_integrations()``. Registering adds our name to the first and wraps the
second, in both places transformers looks them up (``transformers.integrations`` for
``TrainingArguments``, ``transformers.integrations.integration_utils`` for the Trainer).

Idempotent: importing the integration twice, or reloading it, registers once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

NAME = "trackwell"
_WRAPPED = "__trackwell_wrapped__"


def _wandb_is_trackwell() -> bool:
    """``import wandb`` resolves to trackwell (``trackwell.compat.alias_wandb()``): then transformers'
    own ``wandb`` integration already logs here, and adding ours to ``all`` would log everything twice."""
    from trackwell.compat import is_aliased

    return is_aliased()


def _with_trackwell(original: Callable[[], list[str]]) -> Callable[[], list[str]]:
    if getattr(original, _WRAPPED, False):
        return original

    @functools.wraps(original)
    def available() -> list[str]:
        names = list(original())
        if NAME not in names and not ("wandb" in names and _wandb_is_trackwell()):
            names.append(NAME)
        return names

    setattr(available, _WRAPPED, True)
    return available


def register(callback: type[Any]) -> None:
    """Make ``report_to="trackwell"`` (or ``["trackwell", ...]``, or ``"all"``) add ``callback``."""
    import transformers.integrations as public
    from transformers.integrations import integration_utils

    integration_utils.INTEGRATION_TO_CALLBACK[NAME] = callback
    # The public module re-exports the same dict; set it there too should a release copy it.
    public.INTEGRATION_TO_CALLBACK[NAME] = callback
    for module in (integration_utils, public):
        module.get_available_reporting_integrations = _with_trackwell(
            module.get_available_reporting_integrations
        )
