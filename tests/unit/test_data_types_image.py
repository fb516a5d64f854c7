"""Images: what a user gets back when they open the file the SDK wrote, and its JSON reference."""

from __future__ import annotations

import io
import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image as PILImage

from trackwell.data_types import base
from trackwell.data_types.image import Image
from trackwell.data_types.image_overlays import Classes

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def decode(files_dir: Path, relative: str) -> np.ndarray:
    with PILImage.open(files_dir / relative) as im:
        return np.asarray(im)


def test_uint8_rgb_round_trips_exactly_with_wandb_json(tmp_path: Path) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, size=(12, 20, 3), dtype=np.uint8)
    ref = Image(pixels, caption="epoch 1").bind(tmp_path, "examples/pred", 7)

    assert ref.json["_type"] == "image-file"
    assert ref.json["format"] == "png"
    assert (ref.json["width"], ref.json["height"]) == (20, 12)
    assert ref.json["caption"] == "epoch 1"
    path = ref.json["path"]
    assert path.startswith("media/images/examples/pred_7_") and path.endswith(".png")
    data = (tmp_path / path).read_bytes()
    assert ref.json["sha256"] == base.sha256_hex(data) and ref.json["size"] == len(data)
    assert path.endswith(f"_{ref.json['sha256'][:20]}.png")
    assert ref.files == [path]
    np.testing.assert_array_equal(decode(tmp_path, path), pixels)


def test_the_array_is_copied_at_construction(tmp_path: Path) -> None:
    pixels = np.zeros((4, 4), dtype=np.uint8)
    image = Image(pixels)
    pixels[:] = 255  # the user reuses their buffer before the SDK thread encodes it
    ref = image.bind(tmp_path, "k", 0)
    assert decode(tmp_path, ref.json["path"]).max() == 0


@pytest.mark.parametrize(
    ("shape", "mode", "expected_shape"),
    [
        ((8, 6), "L", (8, 6)),
        ((8, 6, 1), "L", (8, 6)),
        ((8, 6, 3), "RGB", (8, 6, 3)),
        ((8, 6, 4), "RGBA", (8, 6, 4)),
        ((3, 8, 6), "RGB", (8, 6, 3)),  # channels-first numpy is recognised
    ],
)
def test_channel_layouts_give_the_right_mode_and_size(
    tmp_path: Path, shape: tuple[int, ...], mode: str, expected_shape: tuple[int, ...]
) -> None:
    ref = Image(np.full(shape, 9, dtype=np.uint8)).bind(tmp_path, "k", 0)
    with PILImage.open(tmp_path / ref.json["path"]) as im:
        assert im.mode == mode
        assert (im.width, im.height) == (6, 8)
    assert decode(tmp_path, ref.json["path"]).shape == expected_shape


def test_floats_in_unit_range_are_scaled_to_0_255(tmp_path: Path) -> None:
    ref = Image(np.array([[0.0, 0.5, 1.0]], dtype=np.float32)).bind(tmp_path, "k", 0)
    assert decode(tmp_path, ref.json["path"]).tolist() == [[0, 128, 255]]


def test_wrong_shape_error_shows_accepted_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(H, W\), \(H, W, C\) or \(C, H, W\).*\(5, 5, 5\)"):
        Image(np.zeros((5, 5, 5)))
    with pytest.raises(TypeError, match="cannot make an image from dict"):
        Image({"not": "an image"})


def test_same_pixels_give_the_same_file_and_hash(tmp_path: Path) -> None:
    pixels = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    first = Image(pixels).bind(tmp_path, "k", 3)
    second = Image(pixels.copy()).bind(tmp_path, "k", 3)
    assert first.json == second.json
    assert len(list((tmp_path / "media/images").iterdir())) == 1


def test_pil_image_and_file_path(tmp_path: Path) -> None:
    pil = PILImage.new("RGB", (5, 3), (10, 20, 30))
    ref = Image(pil).bind(tmp_path, "pil", 1)
    assert decode(tmp_path, ref.json["path"])[0, 0].tolist() == [10, 20, 30]

    source = tmp_path / "photo.jpg"
    pil.save(source, format="JPEG")
    original = source.read_bytes()
    image = Image(source)
    source.write_bytes(b"overwritten")  # the file was read at construction
    ref = image.bind(tmp_path / "run", "photo", 2)
    assert ref.json["format"] == "jpg" and (ref.json["width"], ref.json["height"]) == (5, 3)
    assert ref.json["path"].endswith(".jpg")
    assert (tmp_path / "run" / ref.json["path"]).read_bytes() == original


def test_matplotlib_figure_is_rendered_and_left_open(tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    ax.plot([0, 1], [1, 0])
    try:
        image = Image(fig)
        assert plt.fignum_exists(fig.number)
        assert tuple(fig.get_size_inches()) == (2, 1)
        ref = image.bind(tmp_path, "chart", 0)
        assert (ref.json["width"], ref.json["height"]) == (100, 50)
        assert decode(tmp_path, ref.json["path"]).shape[:2] == (50, 100)
    finally:
        plt.close(fig)


def test_torch_like_tensor_is_read_channels_first(tmp_path: Path) -> None:
    class Tensor:  # duck-typed like torch.Tensor; the SDK never imports torch
        __module__ = "torch"

        def __init__(self, array: np.ndarray) -> None:
            self.array = array

        def detach(self) -> Tensor:
            return self

        def cpu(self) -> Tensor:
            return self

        def numpy(self) -> np.ndarray:
            return self.array

    chw = np.zeros((3, 4, 5), dtype=np.uint8)
    chw[0] = 200  # red channel
    ref = Image(Tensor(chw)).bind(tmp_path, "t", 0)
    pixels = decode(tmp_path, ref.json["path"])
    assert pixels.shape == (4, 5, 3) and pixels[0, 0].tolist() == [200, 0, 0]


def test_masks_and_boxes_are_written_in_wandb_shapes(tmp_path: Path) -> None:
    mask = np.zeros((4, 6), dtype=np.uint8)
    mask[1:3, 2:5] = 1
    box = {"position": {"minX": 1, "maxX": 3, "minY": 0, "maxY": 2}, "class_id": 1, "scores": {"acc": 0.9}}
    image = Image(
        np.zeros((4, 6, 3), dtype=np.uint8),
        masks={"pred": {"mask_data": mask, "class_labels": {0: "bg", 1: "cat"}}},
        boxes={"pred": {"box_data": [box], "class_labels": {1: "cat"}}},
    )
    ref = image.bind(tmp_path, "seg", 5)

    mask_ref = ref.json["masks"]["pred"]
    assert mask_ref["_type"] == "mask"
    assert mask_ref["path"].startswith("media/images/mask/seg_5_") and mask_ref["path"].endswith(".mask.png")
    assert mask_ref["class_labels"] == {"0": "bg", "1": "cat"}
    np.testing.assert_array_equal(decode(tmp_path, mask_ref["path"]), mask)

    boxes_ref = ref.json["boxes"]["pred"]
    assert boxes_ref["_type"] == "boxes2D"
    assert boxes_ref["path"].startswith("media/metadata/boxes2D/seg_5_")
    doc = json.loads((tmp_path / boxes_ref["path"]).read_text())
    assert doc["class_labels"] == {"1": "cat"}
    assert doc["box_data"][0]["position"] == {"minX": 1.0, "maxX": 3.0, "minY": 0.0, "maxY": 2.0}
    assert set(ref.files) == {ref.json["path"], mask_ref["path"], boxes_ref["path"]}


def test_classes_are_carried_in_the_json(tmp_path: Path) -> None:
    classes = Classes([{"id": 0, "name": "bg"}, {"id": 1, "name": "cat"}])
    ref = Image(np.zeros((2, 2), dtype=np.uint8), classes=classes, grouping=3).bind(tmp_path, "c", 0)
    assert ref.json["classes"] == [{"id": 0, "name": "bg"}, {"id": 1, "name": "cat"}]
    assert ref.json["grouping"] == 3


def test_bad_masks_and_boxes_name_the_problem() -> None:
    pixels = np.zeros((4, 6), dtype=np.uint8)
    with pytest.raises(ValueError, match="mask is 3x3 but the image is 6x4"):
        Image(pixels, masks={"m": {"mask_data": np.zeros((3, 3), dtype=np.uint8)}})
    with pytest.raises(ValueError, match=r"box_data'\]\[0\].position needs minX"):
        Image(pixels, boxes={"b": {"box_data": [{"position": {"x": 1}, "class_id": 0}]}})


def test_key_cannot_escape_the_files_dir(tmp_path: Path) -> None:
    files_dir = tmp_path / "files"
    pixels = np.zeros((2, 2), dtype=np.uint8)
    for key in ("../../escape", "/etc/passwd", "a/../../b", "..", "\\..\\x"):
        ref = Image(pixels).bind(files_dir, key, 0)
        written = (files_dir / ref.json["path"]).resolve()
        assert written.is_relative_to(files_dir.resolve()), key
        assert ".." not in Path(ref.json["path"]).parts
    assert not (tmp_path / "escape_0").exists()
    assert {p.name for p in tmp_path.iterdir()} == {"files"}


def test_oversized_input_names_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "MAX_MEDIA_BYTES", 1024)
    with pytest.raises(
        ValueError, match=r"Image: the input is 4,096 bytes, over the 1,024 bytes limit.*MAX_MEDIA_BYTES"
    ):
        Image(np.zeros((64, 64), dtype=np.uint8))


def test_file_type_jpg(tmp_path: Path) -> None:
    ref = Image(np.full((8, 8, 4), 100, dtype=np.uint8), file_type="jpg").bind(tmp_path, "k", 0)
    assert ref.json["format"] == "jpg" and ref.json["path"].endswith(".jpg")
    with PILImage.open(io.BytesIO((tmp_path / ref.json["path"]).read_bytes())) as im:
        assert im.format == "JPEG" and im.mode == "RGB"


def test_object_dtype_rows_of_a_dataframe_become_images(tmp_path: Path) -> None:
    import pandas as pd

    # An MNIST-style frame: a label column next to the pixels makes a row's values dtype=object.
    pixels = np.random.default_rng(3).integers(0, 256, size=(2, 28 * 28))
    frame = pd.DataFrame(pixels, columns=[f"p{i}" for i in range(28 * 28)])
    frame.insert(0, "label", ["seven", "two"])
    row = frame.iloc[1].values[1:].reshape(28, 28)
    assert row.dtype == object
    ref = Image(row).bind(tmp_path, "digit", 0)
    np.testing.assert_array_equal(
        decode(tmp_path, ref.json["path"]), pixels[1].reshape(28, 28).astype(np.uint8)
    )
    # Object arrays of floats in [0, 1] follow the float rule (scaled by 255), like float arrays.
    floats = np.array([[0.0, 0.5], [1.0, 0.25]], dtype=object)
    ref = Image(floats).bind(tmp_path, "f", 0)
    np.testing.assert_array_equal(decode(tmp_path, ref.json["path"]), [[0, 128], [255, 64]])


def test_object_dtype_with_non_numbers_names_the_element() -> None:
    with pytest.raises(TypeError, match=r"element at \(1, 0\) is str 'cat', not a number"):
        Image(np.array([[1, 2], ["cat", 4]], dtype=object))
    with pytest.raises(TypeError, match=r"element at \(0, 1\) is NoneType None"):
        Image(np.array([[1, None]], dtype=object))
