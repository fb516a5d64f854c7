"""Segmentation masks and bounding boxes attached to an :class:`~trackwell.data_types.image.Image`.

They use wandb's ``masks=`` / ``boxes=`` argument shapes so that existing code runs unchanged::

    masks={"predictions": {"mask_data": <HxW int array>, "class_labels": {0: "bg", 1: "cat"}}}
    boxes={"predictions": {"box_data": [{"position": {"minX": .., "maxX": .., "minY": .., "maxY": ..},
                                         "class_id": 1, "box_caption": "cat", "scores": {"acc": 0.9}}],
                           "class_labels": {1: "cat"}}}

A mask is written as an 8-bit PNG of class ids (``media/images/mask/...mask.png``); boxes as JSON
(``media/metadata/boxes2D/...boxes2D.json``). Like the image, both are copied at construction and
written at bind time. Deviation from wandb, documented: the mask reference carries its
``class_labels`` inline (wandb keeps them in a separate classes file), so a viewer needs one file less.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import is_numpy, is_torch_tensor, to_numpy_copy
from trackwell.data_types.base import (
    MediaRef,
    media_file_name,
    read_file_bytes,
    sha256_hex,
    write_media_file,
)

_CORNERS = ("minX", "maxX", "minY", "maxY")
_CENTRE = ("middle", "width", "height")


def _class_labels(where: str, labels: Any) -> dict[str, str]:
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise TypeError(f"{where}.class_labels must be a dict of class id -> name, e.g. {{0: 'cat'}}")
    out: dict[str, str] = {}
    for k, v in labels.items():
        try:
            out[str(int(k))] = str(v)
        except (TypeError, ValueError):
            raise TypeError(f"{where}.class_labels: key {k!r} is not an integer class id") from None
    return out


def _number(where: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{where} must be finite, got {number}")
    return number


class Mask:
    """One named mask: class ids per pixel plus their labels."""

    def __init__(self, name: str, spec: Any) -> None:
        where = f"Image(masks={{{name!r}: ...}})"
        if not isinstance(spec, dict) or ("mask_data" not in spec and "path" not in spec):
            raise TypeError(f"{where} must be a dict with 'mask_data' (an HxW array) or 'path' (a PNG file)")
        self.name = name
        self.class_labels = _class_labels(where, spec.get("class_labels"))
        self._png: bytes | None = None
        self._array: Any = None
        if "mask_data" in spec:
            data = spec["mask_data"]
            if not (is_numpy(data) or is_torch_tensor(data) or isinstance(data, list)):
                raise TypeError(f"{where}['mask_data'] must be a 2-D array of class ids")
            self._array = to_numpy_copy(data)
            if self._array.ndim != 2:
                raise ValueError(f"{where}['mask_data'] must be 2-D (H, W), got shape {self._array.shape}")
            if self._array.size and (self._array.min() < 0 or self._array.max() > 255):
                raise ValueError(f"{where}['mask_data'] class ids must be in 0..255")
            self.height, self.width = (int(n) for n in self._array.shape)
        else:
            from PIL import Image as PILImage

            self._png = read_file_bytes(where, spec["path"])
            with PILImage.open(io.BytesIO(self._png)) as im:
                self.width, self.height = im.size

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        payload = self._png if self._png is not None else self._encode()
        digest = sha256_hex(payload)
        relative = f"media/images/mask/{media_file_name(key, step, digest, '.mask.png')}"
        write_media_file(files_dir, relative, payload)
        ref = {"_type": "mask", "path": relative, "sha256": digest, "size": len(payload)}
        if self.class_labels:
            ref["class_labels"] = self.class_labels
        return MediaRef(json=ref, files=[relative])

    def _encode(self) -> bytes:
        import numpy as np
        from PIL import Image as PILImage

        buf = io.BytesIO()
        PILImage.fromarray(self._array.astype(np.uint8)).save(buf, format="PNG")
        return buf.getvalue()


class Boxes:
    """One named set of 2-D boxes, validated now and written as JSON at bind time."""

    def __init__(self, name: str, spec: Any) -> None:
        where = f"Image(boxes={{{name!r}: ...}})"
        if not isinstance(spec, dict) or not isinstance(spec.get("box_data"), list | tuple):
            raise TypeError(f"{where} must be a dict with 'box_data': a list of boxes")
        self.name = name
        self.class_labels = _class_labels(where, spec.get("class_labels"))
        self.box_data = [self._box(f"{where}['box_data'][{i}]", b) for i, b in enumerate(spec["box_data"])]

    @staticmethod
    def _box(where: str, box: Any) -> dict[str, Any]:
        if not isinstance(box, dict) or not isinstance(box.get("position"), dict):
            raise TypeError(f"{where} must be a dict with 'position' and 'class_id'")
        pos = box["position"]
        if all(k in pos for k in _CORNERS):
            position: dict[str, Any] = {k: _number(f"{where}.position.{k}", pos[k]) for k in _CORNERS}
        elif all(k in pos for k in _CENTRE):
            middle = pos["middle"]
            if not isinstance(middle, list | tuple) or len(middle) != 2:
                raise TypeError(f"{where}.position.middle must be [x, y]")
            position = {
                "middle": [_number(f"{where}.position.middle", m) for m in middle],
                "width": _number(f"{where}.position.width", pos["width"]),
                "height": _number(f"{where}.position.height", pos["height"]),
            }
        else:
            raise ValueError(
                f"{where}.position needs minX, maxX, minY, maxY, or middle, width, height; got {sorted(pos)}"
            )
        if "class_id" not in box:
            raise ValueError(f"{where} needs an integer 'class_id'")
        out: dict[str, Any] = {"position": position, "class_id": int(box["class_id"])}
        if box.get("box_caption") is not None:
            out["box_caption"] = str(box["box_caption"])
        if box.get("domain") is not None:
            if box["domain"] != "pixel":
                raise ValueError(f"{where}.domain must be 'pixel' or absent (relative 0..1 coordinates)")
            out["domain"] = "pixel"
        if box.get("scores") is not None:
            out["scores"] = {str(k): _number(f"{where}.scores[{k!r}]", v) for k, v in box["scores"].items()}
        return out

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        doc = {"box_data": self.box_data, "class_labels": self.class_labels}
        payload = json.dumps(doc, sort_keys=True).encode()
        digest = sha256_hex(payload)
        relative = f"media/metadata/boxes2D/{media_file_name(key, step, digest, '.boxes2D.json')}"
        write_media_file(files_dir, relative, payload)
        ref = {"_type": "boxes2D", "path": relative, "sha256": digest, "size": len(payload)}
        return MediaRef(json=ref, files=[relative])


def parse_masks(masks: Any, size: tuple[int, int] | None) -> dict[str, Mask]:
    """Validate ``masks=``; every mask must match the image's (width, height) when that is known."""
    if masks is None:
        return {}
    if not isinstance(masks, dict):
        raise TypeError("Image(masks=...) must be a dict of name -> {'mask_data': ..., 'class_labels': ...}")
    out = {str(name): Mask(str(name), spec) for name, spec in masks.items()}
    for mask in out.values():
        if size is not None and (mask.width, mask.height) != size:
            raise ValueError(
                f"Image(masks={{{mask.name!r}: ...}}): the mask is {mask.width}x{mask.height} but the image "
                f"is {size[0]}x{size[1]}; masks must have the image's size"
            )
    return out


def parse_boxes(boxes: Any) -> dict[str, Boxes]:
    if boxes is None:
        return {}
    if not isinstance(boxes, dict):
        raise TypeError("Image(boxes=...) must be a dict of name -> {'box_data': [...], 'class_labels': ...}")
    return {str(name): Boxes(str(name), spec) for name, spec in boxes.items()}


class Classes:
    """wandb's ``Classes([{"id": 1, "name": "cat"}])``: the class set for ``Image(classes=...)``."""

    def __init__(self, class_set: Any) -> None:
        if not isinstance(class_set, list | tuple) or not all(
            isinstance(c, dict) and "id" in c for c in class_set
        ):
            raise TypeError("Classes(...) takes a list of {'id': int, 'name': str} dicts")
        self._class_set = [{"id": int(c["id"]), "name": str(c.get("name", c["id"]))} for c in class_set]
