"""Charts over a table the user built: line, scatter, bar, histogram, and several lines at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trackwell.data_types.custom_chart import CustomChart
from trackwell.data_types.table import Table


def plot_table(
    vega_spec_name: str,
    data_table: Table,
    fields: dict[str, Any],
    string_fields: dict[str, Any] | None = None,
    split_table: bool = False,
) -> CustomChart:
    """A chart of ``data_table`` with the Vega preset ``vega_spec_name`` (wandb's ``plot_table``)."""
    return CustomChart(data_table, vega_spec_name, fields, string_fields, split_table)


def line(
    table: Table, x: str, y: str, stroke: str | None = None, title: str = "", split_table: bool = False
) -> CustomChart:
    return plot_table(
        "wandb/line/v0", table, {"x": x, "y": y, "stroke": stroke}, {"title": title}, split_table
    )


def scatter(table: Table, x: str, y: str, title: str = "", split_table: bool = False) -> CustomChart:
    return plot_table("wandb/scatter/v0", table, {"x": x, "y": y}, {"title": title}, split_table)


def bar(table: Table, label: str, value: str, title: str = "", split_table: bool = False) -> CustomChart:
    fields = {"label": label, "value": value}
    return plot_table("wandb/bar/v0", table, fields, {"title": title}, split_table)


def histogram(table: Table, value: str, title: str = "", split_table: bool = False) -> CustomChart:
    return plot_table("wandb/histogram/v0", table, {"value": value}, {"title": title}, split_table)


def line_series(
    xs: Sequence[Any],
    ys: Sequence[Sequence[Any]],
    keys: Sequence[str] | None = None,
    title: str = "",
    xname: str = "x",
    split_table: bool = False,
) -> CustomChart:
    """Several lines in one chart; ``xs`` is one shared x sequence or one per line.

    As in wandb, each line pairs its x and y values with ``zip``: a line whose x and y sequences
    differ in length is cut to the shorter one. Lines are named ``line_0``, ``line_1``, ... unless
    ``keys`` names them.
    """
    ys = [list(y) for y in ys]
    xs_list = list(xs)
    if xs_list and not _is_sequence(xs_list[0]):
        per_line = [xs_list for _ in ys]
    else:
        per_line = [list(x) for x in xs_list]
    if len(per_line) != len(ys):
        raise ValueError(
            f"line_series: got {len(per_line)} x sequences for {len(ys)} y sequences; pass one x "
            "sequence shared by every line, or one per line"
        )
    names = list(keys) if keys is not None else [f"line_{i}" for i in range(len(ys))]
    if len(names) != len(ys):
        raise ValueError(f"line_series: got {len(names)} keys for {len(ys)} lines; pass one key per line")
    data = [
        [x, names[i], y]
        for i, (xx, yy) in enumerate(zip(per_line, ys, strict=True))
        for x, y in zip(xx, yy, strict=False)  # wandb truncates to the shorter sequence
    ]
    table = Table(columns=["step", "lineKey", "lineVal"], data=data)
    fields = {"step": "step", "lineKey": "lineKey", "lineVal": "lineVal"}
    return plot_table("wandb/lineseries/v0", table, fields, {"title": title, "xname": xname}, split_table)


def _is_sequence(value: Any) -> bool:
    return not isinstance(value, str | bytes) and hasattr(value, "__len__") and hasattr(value, "__getitem__")
