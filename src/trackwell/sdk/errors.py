"""The exceptions users of the wandb-compatible facade catch: ``trackwell.Error`` and its children.

wandb code catches ``wandb.Error``, ``wandb.errors.UsageError``, ``wandb.errors.CommError`` and
``wandb.sdk.lib.config_util.ConfigError``; these are the same names with the same meaning. They live
apart from ``schema.errors`` (the wire errors) because ``import trackwell`` must stay fast and must not
import pydantic.

Hierarchy::

    Error                 base of everything the SDK raises on purpose
    ├── UsageError        the call was wrong (log before init, resume="must" for a missing run, ...)
    │   └── UnsupportedError   a wandb feature Trackwell does not have (``require("x")``)
    ├── CommError         the server could not be reached or refused us
    │   └── AuthenticationError   the API key was refused
    └── ConfigError       a config value was changed without allow_val_change=True

As in wandb, every error has ``message`` and ``CommError`` has ``exc`` (the cause, if any).
``trackwell.errors`` is the public module of these names (wandb's ``wandb.errors``).
"""

from __future__ import annotations


class Error(Exception):
    """Base of the SDK's own errors (``wandb.Error``)."""

    def __init__(self, message: object = "", context: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if context:
            self.context = context


class UsageError(Error):
    """The SDK was used the wrong way; the message says how to use it."""


class UnsupportedError(UsageError):
    """A wandb feature Trackwell does not support."""


class CommError(Error):
    """Talking to the server failed in a way retrying will not fix (for example a rejected key)."""

    def __init__(self, msg: object = "", exc: BaseException | None = None) -> None:
        super().__init__(msg)
        self.exc = exc


class AuthenticationError(CommError):
    """The server refused the API key."""


class ConfigError(Error):
    """A config key was changed to a different value without ``allow_val_change=True``."""
