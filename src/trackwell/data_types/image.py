"""``trackwell.Image``: wandb's ``Image`` from arrays, tensors, PIL images, figures and files.

Accepted inputs (all copied at construction, encoded at bind time on the SDK's thread):

* numpy arrays ``(H, W)``, ``(H, W, C)`` or ``(C, H, W)`` with C in 1, 3, 4 (a leading batch axis of
  size 1 is dropped); torch tensors the same, read as ``(C, H, W)`` first (torchvision's layout).
* object-dtype arrays of numbers (``df.iloc[i].values`` of a frame with a text column): numpy infers
  the dtype from the elements, as wandb's arithmetic on them does; anything else is refused.
* PIL images, matplotlib figures (rendered to PNG immediately; the figure itself is not changed or
  closed), and file paths (copied byte for byte; ``format`` is the file's extension).

Pixel values, a documented choice: ``uint8`` is written as is; ``bool`` becomes 0/255; other
integers are clipped to 0..255; floats follow the classic wandb rule: when the minimum is negative
the array is first min-max normalised to [0, 1], then an array whose maximum is <= 1 is scaled by
255, then values are rounded and clipped to 0..255. (wandb 0.31 dropped the scaling and merely
casts; we keep it because float images in [0, 1] are what most model code produces, and a cast
would turn them black.)
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import (
    is_matplotlib_figure,
    is_numpy,
    is_pil_image,
    is_torch_tensor,
    matplotlib_figure,
    to_numpy_copy,
)
from trackwell.data_types.base import Media, MediaRef, check_size, optional_caption, read_file_bytes
from trackwell.data_types.image_overlays import Boxes, Mask, parse_boxes, parse_masks

_PIL_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "bmp": "BMP", "gif": "GIF", "webp": "WEBP"}
_CHANNELS = (1, 3, 4)


def _layout(shape: tuple[int, ...], channels_first: bool) -> str:
    """'HW', 'HWC' or 'CHW' for an image array, or raise an error that shows the accepted shapes."""
    if len(shape) == 2:
        return "HW"
    if len(shape) == 3:
        first, last = shape[0] in _CHANNELS, shape[-1] in _CHANNELS
        if channels_first and first:
            return "CHW"
        if last:
            return "HWC"
        if first:
            return "CHW"
    raise ValueError(
        f"Image: expected an array of shape (H, W), (H, W, C) or (C, H, W) with C in 1, 3 or 4; got shape "
        f"{tuple(shape)}. For a batch, log a list of wandb.Image, one per item."
    )


def to_uint8(array: Any) -> Any:
    """Pixel values as ``uint8`` following the rule in the module docstring."""
    import numpy as np

    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.floating):
        data = np.nan_to_num(array.astype(np.float64), nan=0.0, posinf=255.0, neginf=0.0)
        if data.size and data.min() < 0:
            span = float(data.max() - data.min())
            data = (data - data.min()) / span if span else np.zeros_like(data)
        if data.size and data.max() <= 1.0:
            data = data * 255.0
        return np.clip(np.rint(data), 0, 255).astype(np.uint8)
    return np.clip(array, 0, 255).astype(np.uint8)


def _numeric_from_objects(array: Any) -> Any:
    """An object-dtype array of numbers as a numeric array (``df.iloc[i].values`` is one).

    wandb computes on such arrays as they are, which works while every element is a number; here
    numpy infers the dtype from the elements (Python or numpy ints stay integers, floats floats),
    and anything else is refused with the first element that is not a number.
    """
    import numbers

    import numpy as np

    flat = array.ravel()
    for index, item in enumerate(flat):
        if not isinstance(item, numbers.Real | np.bool_):
            position = tuple(int(i) for i in np.unravel_index(index, array.shape))
            raise TypeError(
                f"Image: the array has dtype object and its element at {position} is "
                f"{type(item).__name__} {item!r}, not a number; pass numbers (convert with "
                "np.asarray(values, dtype=float)) or a PIL image"
            )
    return np.array(flat.tolist()).reshape(array.shape)


class Image(Media):
    """An image logged to a run; JSON ``_type: "image-file"``, files under ``media/images/``."""

    _type = "image-file"
    SUBDIR = "images"

    def __init__(
        self,
        data_or_path: Any,
        mode: str | None = None,
        caption: str | None = None,
        grouping: int | None = None,
        classes: Any = None,
        boxes: Any = None,
        masks: Any = None,
        file_type: str | None = None,
    ) -> None:
        self.caption = optional_caption("Image", caption)
        self.grouping = grouping
        self.mode = mode
        self._array: Any = None  # numpy copy, encoded at bind
        self._pil: Any = None  # PIL copy, encoded at bind
        self._file: bytes | None = None  # already-encoded bytes (a path, or a rendered figure)
        self.format = self._file_type(file_type)
        self._layout = "HW"
        if isinstance(data_or_path, Image):
            self._copy_from(data_or_path)
        elif isinstance(data_or_path, str | Path):
            self._from_file(data_or_path)
        elif is_pil_image(data_or_path):
            self._pil = data_or_path.copy()
            self.width, self.height = (int(n) for n in self._pil.size)
        elif is_matplotlib_figure(data_or_path):
            self._from_figure(matplotlib_figure(data_or_path))
        elif is_numpy(data_or_path) or is_torch_tensor(data_or_path) or isinstance(data_or_path, list):
            self._from_array(data_or_path, channels_first=is_torch_tensor(data_or_path))
        else:
            raise TypeError(
                f"Image: cannot make an image from {type(data_or_path).__name__}; pass a numpy array, "
                "a torch tensor, a PIL image, a matplotlib figure or a file path"
            )
        size = (self.width, self.height)
        self.masks: dict[str, Mask] = parse_masks(masks, size)
        self.boxes: dict[str, Boxes] = parse_boxes(boxes)
        self.classes = self._classes(classes)

    @staticmethod
    def _file_type(file_type: str | None) -> str:
        fmt = (file_type or "png").lower().lstrip(".")
        if fmt not in _PIL_FORMATS:
            raise ValueError(f"Image(file_type={file_type!r}): use one of {', '.join(sorted(_PIL_FORMATS))}")
        return fmt

    def _copy_from(self, other: Image) -> None:
        self._array, self._pil, self._file = other._array, other._pil, other._file
        self._layout, self.format = other._layout, other.format
        self.width, self.height = other.width, other.height
        self.mode = self.mode or other.mode

    def _from_file(self, path: str | Path) -> None:
        from PIL import Image as PILImage
        from PIL import UnidentifiedImageError

        self._file = read_file_bytes("Image", path)
        try:
            with PILImage.open(io.BytesIO(self._file)) as im:
                self.width, self.height = (int(n) for n in im.size)
        except UnidentifiedImageError:
            raise ValueError(f"Image: {str(path)!r} is not an image file PIL can read") from None
        self.format = Path(path).suffix.lower().lstrip(".") or "png"

    def _from_figure(self, figure: Any) -> None:
        from PIL import Image as PILImage

        buf = io.BytesIO()
        figure.savefig(buf, format="png")
        self._file = buf.getvalue()
        check_size("Image", len(self._file), "rendered figure")
        with PILImage.open(io.BytesIO(self._file)) as im:
            self.width, self.height = (int(n) for n in im.size)
        self.format = "png"

    def _from_array(self, data: Any, channels_first: bool) -> None:
        nbytes = getattr(data, "nbytes", None)
        if isinstance(nbytes, int):
            check_size("Image", nbytes)
        array = to_numpy_copy(data)
        while array.ndim > 3 and array.shape[0] == 1:
            array = array[0]
        if array.dtype.kind == "O":
            array = _numeric_from_objects(array)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"Image: pixel values must be numbers or booleans, got dtype {array.dtype}")
        self._layout = _layout(array.shape, channels_first)
        self._array = array
        if self._layout == "CHW":
            self.height, self.width = int(array.shape[1]), int(array.shape[2])
        else:
            self.height, self.width = int(array.shape[0]), int(array.shape[1])

    @staticmethod
    def _classes(classes: Any) -> list[dict[str, Any]] | None:
        if classes is None:
            return None
        items = getattr(classes, "_class_set", classes)
        if not isinstance(items, list | tuple) or not all(isinstance(c, dict) and "id" in c for c in items):
            raise TypeError("Image(classes=...) must be a list of {'id': int, 'name': str} dicts")
        return [{"id": int(c["id"]), "name": str(c.get("name", c["id"]))} for c in items]

    @property
    def image(self) -> Any:
        """The image as a PIL image (decoded on demand), like wandb's ``Image.image``."""
        from PIL import Image as PILImage

        if self._file is not None:
            with PILImage.open(io.BytesIO(self._file)) as im:
                im.load()
                return im.copy()
        return self._to_pil()

    def _to_pil(self) -> Any:
        from PIL import Image as PILImage

        if self._pil is not None:
            im = self._pil
        else:
            array = to_uint8(self._array)
            if self._layout == "CHW":
                array = array.transpose(1, 2, 0)
            if array.ndim == 3 and array.shape[2] == 1:
                array = array[:, :, 0]
            im = PILImage.fromarray(array)
        if self.mode and im.mode != self.mode:
            im = im.convert(self.mode)
        return im

    def _encode(self) -> tuple[bytes, str]:
        if self._file is not None:
            return self._file, f".{self.format}"
        im = self._to_pil()
        pil_format = _PIL_FORMATS[self.format]
        if pil_format == "JPEG" and im.mode not in ("RGB", "L"):
            im = im.convert("RGB")  # JPEG has no alpha channel
        elif pil_format == "PNG" and im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
        buf = io.BytesIO()
        # PNG level 3 instead of PIL's 6: about 4x faster on the SDK thread, files ~25% larger.
        options = {"compress_level": 3} if pil_format == "PNG" else {}
        im.save(buf, format=pil_format, **options)
        return buf.getvalue(), f".{self.format}"

    def _json_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"format": self.format, "width": self.width, "height": self.height}
        if self.grouping is not None:
            fields["grouping"] = self.grouping
        if self.classes is not None:
            fields["classes"] = self.classes
        return fields

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        ref = super().bind(files_dir, key, step)
        files = list(ref.files)
        if self.masks:
            masks = {name: m.bind(files_dir, key, step) for name, m in self.masks.items()}
            ref.json["masks"] = {name: r.json for name, r in masks.items()}
            files += [f for r in masks.values() for f in r.files]
        if self.boxes:
            boxes = {name: b.bind(files_dir, key, step) for name, b in self.boxes.items()}
            ref.json["boxes"] = {name: r.json for name, r in boxes.items()}
            files += [f for r in boxes.values() for f in r.files]
        return MediaRef(json=ref.json, files=files)
