"""``artifact.add(obj, name)`` / ``artifact.get(name)``: tables and media inside an artifact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trackwell as wandb


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKWELL_STAGING_DIR", str(tmp_path / "staging"))


def test_table_with_image_cells_round_trips_through_the_artifact() -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("PIL")
    pixels = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    table = wandb.Table(columns=["id", "label", "image"])
    table.add_data(1, "cat", wandb.Image(pixels, caption="c1"))
    table.add_data(2, "dog", wandb.Image(pixels[::-1].copy()))
    artifact = wandb.Artifact("predictions", "eval")
    entry = artifact.add(table, "results")
    assert entry.path == "results.table.json"
    media = sorted(p for p in artifact.manifest.entries if p.startswith("media/"))
    assert len(media) == 2 and all(p.endswith(".png") for p in media)
    doc = json.loads(Path(entry.local_path or "").read_text())
    assert doc["_type"] == "table" and doc["nrows"] == 2 and doc["ncols"] == 3
    assert {row[2]["path"] for row in doc["data"]} == set(media)

    again = artifact.get("results")
    assert isinstance(again, wandb.Table)
    assert again.columns == ["id", "label", "image"]
    assert [row[:2] for row in again.data] == [[1, "cat"], [2, "dog"]]
    assert isinstance(again.data[0][2], wandb.Image)
    assert artifact.get("results.table.json").columns == again.columns
    assert artifact["results"].data[1][:2] == [2, "dog"]
    assert artifact.get("missing") is None
    assert artifact.add(table, "results") is entry  # the same object: the same entry


def test_an_image_is_stored_as_name_image_file_json() -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("PIL")
    artifact = wandb.Artifact("samples", "media")
    artifact["sample"] = wandb.Image(np.zeros((3, 3), dtype=np.uint8))
    assert "sample.image-file.json" in artifact.manifest.entries
    image = artifact.get("sample")
    assert isinstance(image, wandb.Image)
    assert artifact.get_entry("sample").path == "sample.image-file.json"


def test_objects_stay_readable_after_their_entries_are_copied_elsewhere(tmp_path: Path) -> None:
    """An object whose files were added from elsewhere (not the artifact's folder) is still rebuilt."""
    table = wandb.Table(columns=["a"], data=[[1], [2]])
    source = wandb.Artifact("t", "tables")
    entry = source.add(table, "nums")
    copy = tmp_path / "nums.table.json"
    copy.write_bytes(Path(entry.local_path or "").read_bytes())
    other = wandb.Artifact("t2", "tables")
    other.add_file(str(copy), name="nums.table.json")
    assert other.get("nums").data == [[1], [2]]


def test_add_refuses_what_is_not_a_data_type() -> None:
    with pytest.raises(TypeError, match="add_file"):
        wandb.Artifact("x", "y").add({"a": 1}, "dict")
