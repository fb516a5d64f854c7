"""What ``log`` turns a user's value into, and the JSON the SDK records for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from trackwell.data_types.audio import Audio
from trackwell.data_types.convert import bind_value, split_charts, to_loggable
from trackwell.data_types.gallery import MAX_IMAGES, MediaGallery
from trackwell.data_types.histogram import Histogram
from trackwell.data_types.image import Image
from trackwell.data_types.plotly import plotly_available
from trackwell.data_types.table import Table
from trackwell.plot import line

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def test_plain_values_pass_through_unchanged() -> None:
    for value in (1, 2.5, "s", True, None):
        assert to_loggable(value) is value
    assert to_loggable({"a": [1, 2], "b": {"c": 3}}) == {"a": [1, 2], "b": {"c": 3}}


def test_importing_data_types_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, trackwell.data_types, trackwell.data_types.convert, trackwell.plot;"
        "from trackwell.data_types.convert import to_loggable;"
        "to_loggable({'loss': 0.5, 'tags': ['a'], 'n': None});"
        "names = ('numpy', 'PIL', 'matplotlib', 'soundfile', 'pandas', 'torch');"
        "heavy = [m for m in names if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_numpy_values_follow_wandb_rules() -> None:
    assert to_loggable(np.float32(0.5)) == 0.5 and type(to_loggable(np.int64(3))) is int
    assert to_loggable(np.arange(32)) == list(range(32))  # <= 32 elements: a list
    hist = to_loggable(np.arange(100, dtype=np.float64))  # > 32: a 32-bin histogram
    assert isinstance(hist, Histogram)
    json = hist.to_json()
    assert len(json["values"]) == 32 and len(json["bins"]) == 33 and sum(json["values"]) == 100


def test_dataframe_becomes_a_table_and_figures_an_image_or_plotly() -> None:
    table = to_loggable(pd.DataFrame({"a": [1, 2]}))
    assert isinstance(table, Table) and table.data == [[1], [2]]
    fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
    try:
        converted = to_loggable(fig)
        assert type(converted).__name__ == ("Plotly" if plotly_available() else "Image")
    finally:
        plt.close(fig)


def test_unloggable_values_get_a_clear_error() -> None:
    with pytest.raises(TypeError, match="cannot log a value of type object"):
        to_loggable(object())


def test_list_of_images_becomes_images_separated(tmp_path: Path) -> None:
    images = [Image(np.full((3, 4), i, dtype=np.uint8), caption=f"#{i}") for i in range(3)]
    gallery = to_loggable(images)
    assert isinstance(gallery, MediaGallery)
    value, files = bind_value({"samples": gallery}, tmp_path, "val", 2)
    json = value["samples"]
    assert json["_type"] == "images/separated"
    assert (json["count"], json["width"], json["height"], json["format"]) == (3, 4, 3, "png")
    assert json["captions"] == ["#0", "#1", "#2"]
    assert json["filenames"] == files and all(f.startswith("media/images/val.samples_2_") for f in files)
    assert all((tmp_path / f).is_file() for f in files)


def test_image_lists_are_capped_like_wandb() -> None:
    images = [Image(np.zeros((1, 1), dtype=np.uint8))] * (MAX_IMAGES + 5)
    assert len(MediaGallery(images).items) == MAX_IMAGES


def test_list_of_audio_uses_wandbs_audio_shape(tmp_path: Path) -> None:
    clips = [Audio(np.zeros(100, dtype=np.float32), sample_rate=rate) for rate in (100, 200)]
    value, files = bind_value(to_loggable(clips), tmp_path, "a", 0)
    assert value["_type"] == "audio" and value["count"] == 2
    assert value["sampleRates"] == [100, 200] and value["durations"] == [1.0, 0.5]
    assert [a["path"] for a in value["audio"]] == files


def test_mixed_lists_stay_lists_with_media_bound(tmp_path: Path) -> None:
    image = Image(np.zeros((2, 2), dtype=np.uint8))
    value, files = bind_value(to_loggable([1, image]), tmp_path, "mixed", 0)
    assert value[0] == 1 and value[1]["_type"] == "image-file" and files == [value[1]["path"]]


def test_charts_split_into_a_table_and_a_visualize_spec(tmp_path: Path) -> None:
    table = Table(columns=["x", "y"], data=[[0, 1.0], [1, 0.5]])
    row, visualize = split_charts({"loss_curve": line(table, "x", "y", title="Loss"), "epoch": 1})
    assert row == {"loss_curve_table": table, "epoch": 1}
    spec = visualize["loss_curve"]
    assert spec["panel_type"] == "Vega2"
    config = spec["panel_config"]
    assert config["panelDefId"] == "wandb/line/v0"
    assert config["fieldSettings"] == {"x": "x", "y": "y"}
    assert config["stringSettings"] == {"title": "Loss"}
    query = config["userQuery"]["queryFields"][0]["fields"][-1]
    assert query == {"name": "summaryTable", "args": [{"name": "tableKey", "value": "loss_curve_table"}]}
    value, _ = bind_value(row["loss_curve_table"], tmp_path, "loss_curve_table", 0)
    assert value["_type"] == "table-file" and value["nrows"] == 2
