"""``trackwell.Video``: frame arrays encoded as GIF (PIL) or MP4/WebM (imageio), or video files copied.

Arrays are ``uint8`` frames ``(T, C, H, W)`` (wandb's layout), ``(T, H, W, C)``, or a batch
``(B, T, C, H, W)`` tiled into a grid as wandb does. Floats are converted with the image rule
(:func:`trackwell.data_types.image.to_uint8`). GIF needs only Pillow (already a dependency of
images); MP4/WebM/OGG need ``imageio`` with its ffmpeg plugin and fail with an error saying so.
"""

from __future__ import annotations

import importlib.util
import io
import math
import tempfile
from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import is_numpy, is_torch_tensor, to_numpy_copy
from trackwell.data_types.base import Media, check_size, optional_caption, read_file_bytes
from trackwell.data_types.image import to_uint8

_FORMATS = ("gif", "mp4", "webm", "ogg")
_CHANNELS = (1, 3, 4)


def _tile_batch(array: Any) -> Any:
    """``(B, T, C, H, W)`` -> ``(T, C, H', W')``: a grid of near-square shape, padded with black."""
    import numpy as np

    b, t, c, h, w = array.shape
    cols = math.ceil(math.sqrt(b))
    rows = math.ceil(b / cols)
    pad = np.zeros((rows * cols - b, t, c, h, w), dtype=array.dtype)
    grid = np.concatenate([array, pad]).reshape(rows, cols, t, c, h, w)
    return grid.transpose(2, 3, 0, 4, 1, 5).reshape(t, c, rows * h, cols * w)


def _frames_thwc(array: Any) -> Any:
    """Normalise a frame array to ``(T, H, W, C)`` uint8 or raise with the accepted layouts."""
    if array.ndim == 5:
        array = _tile_batch(array)
    if array.ndim == 4 and array.shape[1] in _CHANNELS:
        array = array.transpose(0, 2, 3, 1)
    elif not (array.ndim == 4 and array.shape[-1] in _CHANNELS):
        raise ValueError(
            "Video: expected frames of shape (T, C, H, W), (T, H, W, C) or (B, T, C, H, W) with C in 1, 3 "
            f"or 4; got shape {tuple(array.shape)}"
        )
    return to_uint8(array)


def _encode_gif(frames: Any, fps: float) -> bytes:
    from PIL import Image as PILImage

    images = [PILImage.fromarray(f[:, :, 0] if f.shape[2] == 1 else f) for f in frames]
    images = [im.convert("RGB") if im.mode == "RGBA" else im for im in images]
    buf = io.BytesIO()
    duration = max(1, round(1000 / fps))
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0)
    return buf.getvalue()


def _encode_ffmpeg(frames: Any, fps: float, fmt: str) -> bytes:
    """MP4/WebM/OGG through imageio's pyav or ffmpeg plugin, whichever is installed."""
    plugin = "pyav" if importlib.util.find_spec("av") else None
    if plugin is None and importlib.util.find_spec("imageio_ffmpeg"):
        plugin = "FFMPEG"
    if plugin is None or not importlib.util.find_spec("imageio"):
        raise RuntimeError(
            f"Video(format={fmt!r}) needs imageio with an ffmpeg backend (pip install imageio[ffmpeg] or "
            "imageio[pyav]); use format='gif' to need only Pillow"
        )
    import imageio.v3 as iio

    if frames.shape[3] != 3:  # video codecs want RGB
        frames = frames[..., :3] if frames.shape[3] == 4 else frames.repeat(3, axis=3)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"video.{fmt}"
        if plugin == "pyav":
            codec = {"mp4": "libx264", "webm": "libvpx", "ogg": "libtheora"}[fmt]
            iio.imwrite(target, frames, plugin="pyav", codec=codec, fps=fps)
        else:
            iio.imwrite(target, frames, plugin="FFMPEG", fps=fps)
        return target.read_bytes()


class Video(Media):
    """A video logged to a run; JSON ``_type: "video-file"``, files under ``media/videos/``."""

    _type = "video-file"
    SUBDIR = "videos"

    def __init__(
        self,
        data_or_path: Any,
        caption: str | None = None,
        fps: float | None = None,
        format: str | None = None,  # wandb's argument name, shadowing the builtin
    ) -> None:
        self.caption = optional_caption("Video", caption)
        self.fps = 4.0 if fps is None else float(fps)  # wandb's default
        if not self.fps > 0:
            raise ValueError(f"Video: fps must be positive, got {fps!r}")
        self._array: Any = None
        self._file: bytes | None = None
        self.width: int | None = None
        self.height: int | None = None
        if isinstance(data_or_path, str | Path):
            self._from_file(data_or_path)
            return
        self.format = (format or "gif").lower().lstrip(".")
        if self.format not in _FORMATS:
            raise ValueError(f"Video(format={format!r}): use one of {', '.join(_FORMATS)}")
        if not (is_numpy(data_or_path) or is_torch_tensor(data_or_path)):
            raise TypeError(
                f"Video: cannot make a video from {type(data_or_path).__name__}; pass a numpy array of "
                "frames (T, C, H, W) or a gif/mp4/webm/ogg file path"
            )
        nbytes = getattr(data_or_path, "nbytes", None)
        if isinstance(nbytes, int):
            check_size("Video", nbytes)
        array = to_numpy_copy(data_or_path)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"Video: frame values must be numbers, got dtype {array.dtype}")
        shape = array.shape
        if array.ndim == 5:
            shape = _tile_batch(array[:, :1]).shape  # cheap: one frame tells the tiled size
        if len(shape) != 4 or (shape[1] not in _CHANNELS and shape[-1] not in _CHANNELS):
            _frames_thwc(array)  # raises with the accepted layouts
        self.height, self.width = (shape[2], shape[3]) if shape[1] in _CHANNELS else (shape[1], shape[2])
        self._array = array

    def _from_file(self, path: str | Path) -> None:
        self.format = Path(path).suffix.lower().lstrip(".")
        if self.format not in _FORMATS:
            raise ValueError(f"Video: {str(path)!r} is not a {'/'.join(_FORMATS)} file")
        self._file = read_file_bytes("Video", path)
        if self.format == "gif":
            from PIL import Image as PILImage

            with PILImage.open(io.BytesIO(self._file)) as im:
                self.width, self.height = im.size

    def _encode(self) -> tuple[bytes, str]:
        if self._file is not None:
            return self._file, f".{self.format}"
        frames = _frames_thwc(self._array)
        if self.format == "gif":
            return _encode_gif(frames, self.fps), ".gif"
        return _encode_ffmpeg(frames, self.fps, self.format), f".{self.format}"

    def _json_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if self.width is not None and self.height is not None:
            fields.update(width=int(self.width), height=int(self.height))
        return fields
