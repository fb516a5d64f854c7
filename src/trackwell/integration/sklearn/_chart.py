"""How a scikit-learn plot is logged: wandb's ``wandb.visualize(preset, table)`` semantics, drawn by
our UI.

wandb logs these plots as a ``Visualize``: the table goes to history under the plot's own key
(``confusion_matrix``, not ``confusion_matrix_table`` as for ``wandb.plot.*``) and config
``_wandb.viz.<key>`` names wandb's Vega preset (``wandb/confusion_matrix/v1``...). Our UI has no
Vega runtime: it draws a fixed set of presets (``web/src/lib/mediaCharts.ts``). So each plot keeps
wandb's key and table columns, and its panel spec names the preset our UI draws the same picture
with (a bar chart for feature importances, lines for the learning curve...), over wandb's columns.
wandb's own ``_wandb.viz`` value is kept inside the spec (``viz``) for anything that wants it.
"""

from __future__ import annotations

from typing import Any

from trackwell.data_types.custom_chart import CustomChart
from trackwell.data_types.table import Table

# wandb caps most of these plots at 1000 points (``utils.chart_limit``) to keep the browser fast.
CHART_LIMIT = 1000


class VisualizeChart(CustomChart):
    """A table logged under its own key, drawn with ``spec_id``; ``viz_id`` is wandb's preset."""

    def __init__(
        self,
        table: Table,
        viz_id: str,
        spec_id: str,
        fields: dict[str, Any],
        title: str,
    ) -> None:
        super().__init__(table, spec_id, fields, {"title": title})
        self.viz_id = viz_id

    def table_key(self, key: str) -> str:  # type: ignore[override]  # an instance method here
        return key

    def visualize_config(self, key: str) -> dict[str, Any]:
        config = super().visualize_config(key)
        config["viz"] = {"id": self.viz_id, "historyFieldSettings": {"x-axis": "_step", "key": key}}
        return config


def chart(table: Table, viz_id: str, spec_id: str, title: str, **fields: str) -> VisualizeChart:
    return VisualizeChart(table, viz_id, spec_id, dict(fields), title)


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value (tables and JSON want ``int``/``float``/``str``)."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value


def log_chart(key: str, value: CustomChart) -> None:
    """``wandb.log({key: chart})``: a step of its own, as in wandb; needs a started run."""
    import trackwell

    if trackwell.run is None:
        raise trackwell.Error(
            f"wandb.sklearn: call trackwell.init() (or wandb.init()) before logging the {key!r} plot"
        )
    trackwell.log({key: value})
