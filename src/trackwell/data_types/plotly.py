"""``trackwell.Plotly``: an interactive chart stored as plotly JSON (``media/plotly/*.plotly.json``).

Figures are duck-typed (``to_plotly_json()`` or ``to_json()``; a plain dict also works) so that
plotly is never imported here. The figure is serialised at construction: that is the copy that
protects the logged value from later changes to the figure.
"""

from __future__ import annotations

import json
from typing import Any

from trackwell.data_types._arrays import is_matplotlib_figure, matplotlib_figure
from trackwell.data_types.base import Media, check_size


def json_default(value: Any) -> Any:
    """Make numpy arrays/scalars, dates and similar JSON-serialisable (plotly figures hold them)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def plotly_available() -> bool:
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True


class Plotly(Media):
    """A plotly figure logged to a run; JSON ``_type: "plotly-file"``."""

    _type = "plotly-file"
    SUBDIR = "plotly"

    def __init__(self, val: Any) -> None:
        if is_matplotlib_figure(val):
            val = self.from_matplotlib(val)
        if hasattr(val, "to_plotly_json"):
            text = json.dumps(val.to_plotly_json(), default=json_default)
        elif hasattr(val, "to_json"):
            text = str(val.to_json())
        elif isinstance(val, dict):
            text = json.dumps(val, default=json_default)
        else:
            raise TypeError(f"Plotly: expected a plotly figure (or its dict form), got {type(val).__name__}")
        check_size("Plotly", len(text))
        self._json = text

    @staticmethod
    def from_matplotlib(figure: Any) -> Any:
        """Convert a matplotlib figure with plotly's converter (needs plotly installed)."""
        try:
            from plotly import tools
        except ImportError:
            raise ImportError(
                "Plotly: converting a matplotlib figure needs plotly (pip install plotly); "
                "or log wandb.Image(figure) to log it as a PNG"
            ) from None
        return tools.mpl_to_plotly(matplotlib_figure(figure))

    def _encode(self) -> tuple[bytes, str]:
        return self._json.encode("utf-8"), ".plotly.json"
