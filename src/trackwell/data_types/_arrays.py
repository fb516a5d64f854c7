"""Recognise array-likes by the module their type comes from, without importing that module.

The SDK must not pay for ``import numpy``/``import torch`` when a user logs plain numbers, and it
must never import torch at all (users may not have it, and it takes seconds). So values are
classified by ``type(value).__module__`` and only then converted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def _root_module(value: Any) -> str:
    return type(value).__module__.partition(".")[0]


def is_numpy(value: Any) -> bool:
    return _root_module(value) == "numpy"


def is_torch_tensor(value: Any) -> bool:
    return _root_module(value) == "torch" and hasattr(value, "detach") and hasattr(value, "cpu")


def is_pandas_dataframe(value: Any) -> bool:
    return _root_module(value) == "pandas" and type(value).__name__ == "DataFrame"


def is_pil_image(value: Any) -> bool:
    return _root_module(value) == "PIL" and hasattr(value, "getbands")


def is_matplotlib_figure(value: Any) -> bool:
    """A Figure, or the ``matplotlib.pyplot`` module itself (wandb accepts ``log({"k": plt})``)."""
    if _root_module(value) == "matplotlib" and hasattr(value, "savefig"):
        return True
    return getattr(value, "__name__", None) == "matplotlib.pyplot"


def is_plotly_figure(value: Any) -> bool:
    return _root_module(value) == "plotly" and hasattr(value, "to_plotly_json")


def to_numpy_copy(value: Any) -> np.ndarray[Any, Any]:
    """A private copy of a numpy array or torch tensor (any device) as a numpy array."""
    import numpy as np

    if is_torch_tensor(value):
        value = value.detach().cpu().numpy()
    return np.array(value, copy=True)


def matplotlib_figure(value: Any) -> Any:
    """The Figure to render: ``plt`` itself means the current figure."""
    if getattr(value, "__name__", None) == "matplotlib.pyplot":
        return value.gcf()
    return value
