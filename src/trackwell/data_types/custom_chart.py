"""The value ``trackwell.plot.*`` returns: a table plus a Vega chart spec that points at it.

wandb logs a chart under key ``K`` as two things, and so must the SDK: the table as history key
``K_table`` (a ``table-file``) and the panel spec as config ``_wandb.visualize.K``. The SDK does
not need to know the spec's shape: it calls :meth:`CustomChart.table_key` and
:meth:`CustomChart.visualize_config` (or :func:`trackwell.data_types.convert.split_charts`).
"""

from __future__ import annotations

from typing import Any

from trackwell.data_types.table import Table


class CustomChart:
    """A chart over a :class:`Table`: ``spec_id`` names the Vega preset (``"wandb/line/v0"``...)."""

    def __init__(
        self,
        table: Table,
        spec_id: str,
        fields: dict[str, Any],
        string_fields: dict[str, Any] | None = None,
        split_table: bool = False,
    ) -> None:
        if not isinstance(table, Table):
            raise TypeError(f"a chart needs a wandb.Table, got {type(table).__name__}")
        for name, column in fields.items():
            if column is not None and column not in table.columns:
                raise ValueError(
                    f"chart field {name!r} refers to column {column!r}, which the table does not have; "
                    f"columns are {table.columns}"
                )
        self.table = table
        self.spec_id = spec_id
        self.fields = {k: v for k, v in fields.items() if v is not None}
        self.string_fields = dict(string_fields or {})
        self.split_table = split_table

    @staticmethod
    def table_key(key: str) -> str:
        return f"{key}_table"

    def visualize_config(self, key: str) -> dict[str, Any]:
        """The value for config ``_wandb.visualize[key]`` (wandb's ``Vega2`` panel config)."""
        summary_table = {"name": "summaryTable", "args": [{"name": "tableKey", "value": self.table_key(key)}]}
        return {
            "panel_type": "Vega2",
            "panel_config": {
                "panelDefId": self.spec_id,
                "fieldSettings": dict(self.fields),
                "stringSettings": dict(self.string_fields),
                "transform": {"name": "tableWithLeafColNames"},
                "userQuery": {
                    "queryFields": [
                        {
                            "name": "runSets",
                            "args": [{"name": "runSets", "value": "${runSets}"}],
                            "fields": [
                                {"name": "id", "fields": []},
                                {"name": "name", "fields": []},
                                {"name": "_defaultColorIndex", "fields": []},
                                summary_table,
                            ],
                        }
                    ]
                },
            },
        }

    def __repr__(self) -> str:
        return f"<CustomChart {self.spec_id} over {self.table!r}>"
