"""Trackwell: open, self-hosted experiment tracking, drop-in compatible with the wandb SDK.

``import trackwell as wandb`` runs wandb code unchanged. This module holds the public names only.
"""

__version__ = "0.1.0"
