"""Tables: typed columns, clear errors, large tables, media cells and the round trip through the file."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trackwell.data_types.image import Image
from trackwell.data_types.table import MAX_ROWS, Table


def test_handbook_table_is_written_in_wandb_shape(tmp_path: Path) -> None:
    table = Table(columns=["text", "actual_label", "predicted_label", "confidence"])
    table.add_data("refund still not received", "billing", "billing", 0.97)
    table.add_data("the app crashes", "bug", "bug", 0.93)
    ref = table.bind(tmp_path, "validation/prediction_table", 4)

    assert ref.json["_type"] == "table-file"
    assert (ref.json["ncols"], ref.json["nrows"]) == (4, 2)
    path = ref.json["path"]
    assert path.startswith("media/table/validation/prediction_table_4_") and path.endswith(".table.json")
    assert ref.files == [path]
    doc = json.loads((tmp_path / path).read_text())
    assert doc["columns"] == ["text", "actual_label", "predicted_label", "confidence"]
    assert doc["data"][1] == ["the app crashes", "bug", "bug", 0.93]
    assert doc["column_types"]["confidence"] == {"type": "number", "optional": True}
    assert doc["column_types"]["text"]["type"] == "string"


def test_type_error_names_column_row_and_expected_type() -> None:
    table = Table(columns=["label", "score"])
    table.add_data("cat", 0.5)
    table.add_data(None, 0.25)  # columns are optional by default
    with pytest.raises(TypeError, match=r"column 'score', row 2: expected number, got string \('high'\)"):
        table.add_data("dog", "high")
    assert len(table.data) == 2  # the bad row was not added

    mixed = Table(columns=["x"], allow_mixed_types=True)
    mixed.add_data(1)
    mixed.add_data("one")
    assert mixed.column_type("x") == "any"


def test_row_length_and_declared_types_are_enforced() -> None:
    table = Table(columns=["a", "b"], dtype=[int, str], optional=[True, False])
    with pytest.raises(ValueError, match=r"row 0 has 3 values but the table has 2 columns"):
        table.add_data(1, "x", 3)
    with pytest.raises(TypeError, match=r"column 'a', row 0: expected number, got string"):
        table.add_data("1", "x")
    with pytest.raises(TypeError, match=r"column 'b', row 0: None in a column that is not optional"):
        table.add_data(1, None)
    strict = Table(columns=["first"], optional=False)
    with pytest.raises(TypeError, match=r"column 'first', row 0: None in a column that is not optional"):
        strict.add_data(None)
    with pytest.raises(TypeError, match=r"column 'flag', row 0: expected boolean, got number"):
        Table(columns=["flag"], data=[[1]], dtype=bool)


def test_columns_data_and_accessors() -> None:
    table = Table(columns=["x", "y"], data=[[1, 2.0], [2, 4.0], [3, 6.0]])
    table.add_column("label", ["a", "b", "c"])
    assert table.columns == ["x", "y", "label"]
    assert table.data[2] == [3, 6.0, "c"]
    assert table.get_column("y") == [2.0, 4.0, 6.0]
    np.testing.assert_array_equal(table.get_column("x", convert_to="numpy"), np.array([1, 2, 3]))
    assert table.get_index() == [0, 1, 2]
    frame = table.get_dataframe()
    assert list(frame.columns) == ["x", "y", "label"] and frame["y"].sum() == 12.0
    with pytest.raises(ValueError, match="got 2 values for a table of 3 rows"):
        table.add_column("short", [1, 2])
    with pytest.raises(KeyError, match="no column named 'missing'"):
        table.get_column("missing")


def test_dataframe_and_numpy_inputs() -> None:
    frame = pd.DataFrame({"epoch": [1, 2], "loss": [0.5, 0.25], "ok": [True, False]})
    table = Table(dataframe=frame)
    assert table.columns == ["epoch", "loss", "ok"]
    assert [table.column_type(c) for c in table.columns] == ["number", "number", "boolean"]
    assert table.data == [[1, 0.5, True], [2, 0.25, False]]
    assert Table(columns=["a", "b"], data=np.arange(4).reshape(2, 2)).data == [[0, 1], [2, 3]]
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", None], "f": [0.5, None]})
    with_missing = Table(dataframe=frame)
    assert with_missing.data[0] == [1, "a", 0.5]
    assert with_missing.data[1][:2] == [None, None] and np.isnan(with_missing.data[1][2])


def test_200k_rows_are_accepted_and_written_quickly(tmp_path: Path) -> None:
    rows = [[i, f"row {i}", i * 0.5, i % 2 == 0] for i in range(MAX_ROWS)]
    started = time.perf_counter()
    table = Table(columns=["i", "name", "half", "even"], data=rows)
    ref = table.bind(tmp_path, "big", 0)
    elapsed = time.perf_counter() - started
    assert ref.json["nrows"] == MAX_ROWS
    assert elapsed < 15, f"200,000 rows took {elapsed:.1f} s"
    with pytest.raises(ValueError, match="limit is 200000 rows"):
        table.add_data(0, "one too many", 0.0, True)
    back = Table.from_json(ref.json, tmp_path)
    assert back.data[-1] == rows[-1]


def test_media_cells_are_written_and_round_trip(tmp_path: Path) -> None:
    pixels = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    table = Table(columns=["id", "image"])
    table.add_data(1, Image(pixels, caption="first"))
    table.add_data(2, None)
    with pytest.raises(TypeError, match=r"column 'image', row 2: expected image-file, got string"):
        table.add_data(3, "not an image")
    ref = table.bind(tmp_path, "preds", 9)

    image_files = [f for f in ref.files if f.startswith("media/images/")]
    assert len(image_files) == 1 and ref.files[-1] == ref.json["path"]
    doc = json.loads((tmp_path / ref.json["path"]).read_text())
    cell = doc["data"][0][1]
    assert cell["_type"] == "image-file" and cell["path"] == image_files[0] and cell["caption"] == "first"
    assert doc["column_types"]["image"]["type"] == "image-file"

    back = Table.from_json(doc, tmp_path)
    assert back.columns == ["id", "image"]
    restored = back.data[0][1]
    assert isinstance(restored, Image) and restored.caption == "first"
    np.testing.assert_array_equal(np.asarray(restored.image), pixels)
    assert back.data[1] == [2, None]
    with pytest.raises(TypeError, match="expected image-file"):
        back.add_data(3, 4.0)  # the restored table keeps its column types

    refs_only = Table.from_json(doc)
    assert refs_only.data[0][1]["_type"] == "image-file"


def test_numpy_scalars_and_nan_are_written_as_plain_json(tmp_path: Path) -> None:
    table = Table(columns=["n", "f"])
    table.add_data(np.int64(3), np.float32(float("nan")))
    doc = json.loads((tmp_path / table.bind(tmp_path, "t", 0).json["path"]).read_text())
    assert doc["data"][0][0] == 3 and np.isnan(doc["data"][0][1])
