"""``trackwell.errors``: the SDK's exceptions under wandb's module name (``wandb.errors``).

``except wandb.errors.CommError`` and ``from wandb.errors import UsageError`` work unchanged.
``SweepConfigInvalid`` is Trackwell's own: what ``sweep()`` raises for a config with problems.
"""

from trackwell.artifacts.exceptions import (
    ArtifactFinalizedError,
    ArtifactNotLoggedError,
    ArtifactStatusError,
    WaitTimeoutError,
)
from trackwell.schema.errors import SweepConfigInvalid
from trackwell.sdk.errors import (
    AuthenticationError,
    CommError,
    ConfigError,
    Error,
    UnsupportedError,
    UsageError,
)

__all__ = [
    "ArtifactFinalizedError",
    "ArtifactNotLoggedError",
    "ArtifactStatusError",
    "AuthenticationError",
    "CommError",
    "ConfigError",
    "Error",
    "UnsupportedError",
    "SweepConfigInvalid",
    "UsageError",
    "WaitTimeoutError",
]
