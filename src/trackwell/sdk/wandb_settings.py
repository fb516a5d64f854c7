"""``trackwell.sdk.wandb_settings``: wandb's module path of ``Settings``."""

from trackwell.sdk.settings import Settings

__all__ = ["Settings"]
