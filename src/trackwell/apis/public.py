"""``trackwell.apis.public``: the public Api's classes under wandb's module name.

``from wandb.apis.public import Api, Run, Runs, Project`` (type hints and scripts do) works
unchanged. Every name of :mod:`trackwell.apis` is available here, also ones added later.
"""

from typing import Any

import trackwell.apis as _apis
from trackwell.apis import Api, File, Project, Run, Runs, Summary

__all__ = ["Api", "File", "Project", "Run", "Runs", "Summary"]


def __getattr__(name: str) -> Any:
    try:
        return getattr(_apis, name)
    except AttributeError:
        raise AttributeError(f"module 'trackwell.apis.public' has no attribute {name!r}") from None
