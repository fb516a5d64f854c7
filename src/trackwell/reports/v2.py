"""``import trackwell.reports.v2 as wr``: the same names at the path wandb's users write
(``wandb_workspaces.reports.v2``), so their scripts change only the import."""

from __future__ import annotations

from trackwell.reports import *  # noqa: F403
from trackwell.reports import __all__ as __all__
