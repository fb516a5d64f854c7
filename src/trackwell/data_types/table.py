"""``trackwell.Table``: rows and typed columns, with media cells, logged as one JSON file.

On disk (``media/table/<key>_<step>_<hash>.table.json``) a table is::

    {"_type": "table", "columns": [...], "data": [[...], ...],
     "column_types": {"<column>": {"type": "number", "optional": true}, ...}}

Deviation from wandb, documented: wandb writes only ``columns``/``data`` to the run file (media
cells degraded to strings) and keeps the typed form in a hidden run artifact. We have one file:
media cells are written as their own files and stored in ``data`` as their JSON references
(``{"_type": "image-file", "path": ...}``), and ``column_types`` carries the types, so that
:meth:`Table.from_json` can rebuild the table (``Api().run(...).table(key)`` uses it).

The history value is ``{"_type": "table-file", "path", "sha256", "size", "ncols", "nrows"}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import is_numpy, is_pandas_dataframe
from trackwell.data_types.base import Media, MediaRef, media_file_name, sha256_hex, write_media_file
from trackwell.data_types.table_types import ColumnType, check_cell, dtype_name, plain

MAX_ROWS = 200_000
_FAST_TYPES: dict[type, str] = {int: "number", float: "number", str: "string", bool: "boolean"}
_NATIVE = frozenset({int, float, str, bool, type(None)})
_DEFAULT_COLUMNS = ["Input", "Output", "Expected"]  # wandb's default when no columns are given


class Table(Media):
    """A table of typed columns, like ``wandb.Table``; logged as ``_type: "table-file"``."""

    _type = "table-file"
    SUBDIR = "table"
    MAX_ROWS = MAX_ROWS
    MAX_ARTIFACT_ROWS = MAX_ROWS

    def __init__(
        self,
        columns: Sequence[Any] | None = None,
        data: Any = None,
        rows: Any = None,
        dataframe: Any = None,
        dtype: Any = None,
        optional: bool | Sequence[bool] = True,
        allow_mixed_types: bool = False,
        log_mode: str | None = "IMMUTABLE",
    ) -> None:
        data = rows if data is None else data
        if dataframe is None and is_pandas_dataframe(data):
            dataframe, data = data, None
        if dataframe is not None:
            columns = [str(c) for c in dataframe.columns]
            data = _dataframe_rows(dataframe)
        elif is_numpy(data):
            data = data.tolist()
        if columns is None:
            columns = _DEFAULT_COLUMNS if not data else [f"Column {i + 1}" for i in range(len(data[0]))]
        self.columns: list[str] = [str(c) for c in columns]
        if len(set(self.columns)) != len(self.columns):
            raise ValueError(f"Table: column names must be unique, got {self.columns}")
        self.data: list[list[Any]] = []
        self.allow_mixed_types = allow_mixed_types
        self.log_mode = log_mode or "IMMUTABLE"
        self._types = [ColumnType(None, opt) for opt in self._per_column("optional", optional)]
        if dtype is not None:
            for ctype, dt in zip(self._types, self._per_column("dtype", dtype), strict=True):
                ctype.name = None if dt is None else dtype_name(dt)
        for row in data or []:
            self.add_data(*row)

    def _per_column(self, arg: str, value: Any) -> list[Any]:
        if isinstance(value, list | tuple):
            if len(value) != len(self.columns):
                raise ValueError(
                    f"Table({arg}=...): got {len(value)} entries for {len(self.columns)} columns; "
                    "give one per column or a single value for all"
                )
            return list(value)
        return [value] * len(self.columns)

    # --- rows and columns -------------------------------------------------------------------
    def add_data(self, *data: Any) -> None:
        """Append one row; its values must match the columns' types (a TypeError names the cell)."""
        if len(data) != len(self.columns):
            raise ValueError(
                f"Table: row {len(self.data)} has {len(data)} values but the table has {len(self.columns)} "
                f"columns {self.columns}"
            )
        if len(self.data) >= MAX_ROWS:
            raise ValueError(f"Table: the limit is {MAX_ROWS} rows; log several tables or an artifact")
        row = len(self.data)
        for column, ctype, value in zip(self.columns, self._types, data, strict=True):
            # Fast path (no call) for the common case: a plain value of the column's known type.
            if _FAST_TYPES.get(type(value), "") != ctype.name:
                check_cell(column, row, ctype, value, self.allow_mixed_types)
        self.data.append(list(data))

    add_row = add_data

    def add_column(self, name: str, data: Sequence[Any], optional: bool = False) -> None:
        """Add a column with one value per existing row (or the first column of an empty table)."""
        name = str(name)
        if name in self.columns:
            raise ValueError(f"Table.add_column: a column named {name!r} already exists")
        values = list(data)
        if self.columns and len(values) != len(self.data):
            raise ValueError(
                f"Table.add_column({name!r}): got {len(values)} values for a table of {len(self.data)} rows"
            )
        ctype = ColumnType(None, optional)
        for row, value in enumerate(values):
            check_cell(name, row, ctype, value, self.allow_mixed_types)
        if not self.columns:
            self.data = [[] for _ in values]
        self.columns.append(name)
        self._types.append(ctype)
        for row_values, value in zip(self.data, values, strict=True):
            row_values.append(value)

    def add_computed_columns(self, fn: Callable[[int, dict[str, Any]], dict[str, Any]]) -> None:
        """Add the columns ``fn(index, row_as_dict)`` returns for every row (wandb's helper)."""
        results = [fn(i, dict(zip(self.columns, row, strict=True))) for i, row in enumerate(self.data)]
        for name in results[0] if results else []:
            self.add_column(name, [r[name] for r in results])

    def cast(self, col_name: str, dtype: Any, optional: bool = False) -> None:
        """Set a column's type; every existing value must fit it."""
        index = self._index_of(col_name)
        ctype = ColumnType(None if dtype is None else dtype_name(dtype), optional)
        for row, values in enumerate(self.data):
            check_cell(col_name, row, ctype, values[index], allow_mixed=False)
        self._types[index] = ctype

    def get_column(self, name: str, convert_to: str | None = None) -> Any:
        """The column's values as a list, or as a numpy array with ``convert_to="numpy"``."""
        index = self._index_of(name)
        values = [row[index] for row in self.data]
        if convert_to is None:
            return values
        if convert_to != "numpy":
            raise ValueError(f"Table.get_column(convert_to={convert_to!r}): use None or 'numpy'")
        import numpy as np

        return np.array(values)

    def get_index(self) -> list[int]:
        return list(range(len(self.data)))

    def get_dataframe(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.data, columns=self.columns)

    def column_type(self, name: str) -> str | None:
        """The column's inferred or declared type name (``None`` while only ``None`` was seen)."""
        return self._types[self._index_of(name)].name

    def _index_of(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise KeyError(f"Table: no column named {name!r}; columns are {self.columns}") from None

    @property
    def nrows(self) -> int:
        return len(self.data)

    @property
    def ncols(self) -> int:
        return len(self.columns)

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and (self.columns, self.data) == (other.columns, other.data)

    __hash__ = None  # type: ignore[assignment]  # mutable, like wandb's Table

    def __repr__(self) -> str:
        return f"<Table {len(self.data)} rows x {len(self.columns)} columns {self.columns}>"

    # --- writing and reading ----------------------------------------------------------------
    def to_json_doc(self, files_dir: Path, key: str, step: int | str) -> tuple[dict[str, Any], list[str]]:
        """The table file's content; media cells are bound (written) on the way."""
        files: list[str] = []
        bound: dict[
            int, dict[str, Any]
        ] = {}  # id(media) -> JSON: a media object repeated in cells is encoded once

        def cell(value: Any) -> Any:
            if isinstance(value, Media):
                json = bound.get(id(value))
                if json is None:
                    ref = value.bind(files_dir, key, step)
                    files.extend(ref.files)
                    json = bound[id(value)] = ref.json
                return json
            return plain(value)

        data = [[v if type(v) in _NATIVE else cell(v) for v in row] for row in self.data]
        types = {c: t.to_json() for c, t in zip(self.columns, self._types, strict=True)}
        doc = {"_type": "table", "columns": self.columns, "data": data, "column_types": types}
        return doc, files

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        doc, files = self.to_json_doc(files_dir, key, step)
        payload = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        digest = sha256_hex(payload)
        relative = f"media/{self.SUBDIR}/{media_file_name(key, step, digest, '.table.json')}"
        write_media_file(files_dir, relative, payload)
        ref = {
            "_type": self._type,
            "path": relative,
            "sha256": digest,
            "size": len(payload),
            "ncols": len(self.columns),
            "nrows": len(self.data),
            "log_mode": self.log_mode,
        }
        return MediaRef(json=ref, files=[*files, relative])

    @classmethod
    def from_json(cls, obj: dict[str, Any], files_root: str | Path | None = None) -> Table:
        """Rebuild a table from a table file's JSON (or from its ``table-file`` reference).

        Media cells become media objects read from ``files_root`` (the run's files folder, or where
        they were downloaded); with ``files_root=None`` they stay JSON references (dicts).
        """
        from trackwell.data_types.media_json import media_from_json

        root = None if files_root is None else Path(files_root)
        if obj.get("_type") == "table-file":
            if root is None:
                raise ValueError("Table.from_json: a table-file reference needs files_root to read the file")
            obj = json.loads((root / obj["path"]).read_text("utf-8"))
        if "columns" not in obj or "data" not in obj:
            raise ValueError("Table.from_json: expected a table file with 'columns' and 'data'")
        table = cls(columns=obj["columns"], allow_mixed_types=True)
        saved = obj.get("column_types") or {}
        table._types = [ColumnType.from_json(saved.get(c)) for c in table.columns]
        rows = [list(r) for r in obj["data"]]  # our own lists: the caller's JSON stays as it was
        # Only columns that can hold media need a look at every cell (large tables are mostly numbers).
        scan = [
            i for i, t in enumerate(table._types) if t.name not in ("number", "string", "boolean", "list")
        ]
        if root is not None and scan:
            for row in rows:
                for i in scan:
                    if type(row[i]) is dict:
                        row[i] = media_from_json(row[i], root)
        table.data = rows
        table.allow_mixed_types = False
        return table


def _dataframe_rows(frame: Any) -> list[list[Any]]:
    """Rows of a DataFrame as Python values; missing values become None, except NaN in float columns.

    pandas marks missing values per dtype (NaN in float and, since pandas 3, string columns; NA in
    nullable integers; NaT in datetimes). Only a float column means NaN as a number.
    """
    rows: list[list[Any]] = frame.astype(object).to_numpy().tolist()
    missing = frame.isna().to_numpy()
    if missing.any():
        keep_nan = [getattr(dt, "kind", "O") == "f" for dt in frame.dtypes]
        for r, c in zip(*missing.nonzero(), strict=True):
            if not keep_nan[c]:
                rows[r][c] = None
    return rows
