"""``trackwell.plot``: wandb's preset charts (``wandb.plot.line``, ``roc_curve``...).

Each helper builds a :class:`~trackwell.data_types.table.Table` from the user's data and returns a
:class:`~trackwell.data_types.custom_chart.CustomChart` naming wandb's Vega preset; logging it under
key ``K`` stores the table as ``K_table`` and the panel spec as config ``_wandb.visualize.K``.
Curves are computed with numpy (no scikit-learn needed).
"""

from trackwell.data_types.custom_chart import CustomChart
from trackwell.plot.charts import bar, histogram, line, line_series, plot_table, scatter
from trackwell.plot.curves import confusion_matrix, pr_curve, roc_curve

__all__ = [
    "CustomChart",
    "bar",
    "confusion_matrix",
    "histogram",
    "line",
    "line_series",
    "plot_table",
    "pr_curve",
    "roc_curve",
    "scatter",
]
