"""PyTorch Lightning: :class:`WandbLogger`, a ``lightning.pytorch.loggers.Logger`` that records to
trackwell with the constructor, methods and recorded names of Lightning's own ``WandbLogger``.

Importing this package imports Lightning (and torch); ``import trackwell`` never does.
"""

from trackwell.integration.lightning.logger import WandbLogger

__all__ = ["WandbLogger"]
