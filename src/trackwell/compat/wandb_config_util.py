"""``wandb.sdk.lib.config_util`` while wandb is aliased: the ``ConfigError`` that trackwell's config
raises, under the module path transformers' ``WandbCallback`` imports it from."""

from trackwell.sdk.errors import ConfigError

__all__ = ["ConfigError"]
