"""``trackwell.sdk.lib``: wandb's module path of ``RunDisabled`` (``from wandb.sdk.lib import ...``)."""

from trackwell.sdk.disabled import RunDisabled

__all__ = ["RunDisabled"]
