"""Turn whatever a user passes to ``run.log`` into something the SDK can record (wandb's ``val_to_json``).

Two steps, on two threads:

* :func:`to_loggable` runs on the caller's thread inside ``log``: plain values come back as they
  are (one dict lookup), numpy/torch/pandas/matplotlib values are recognised by their type's module
  and converted or wrapped (a private copy, no encoding). numpy is imported only for numpy values.
* :func:`bind_value` runs on the SDK's background thread: it walks a converted value, binds every
  :class:`Media` (writing its files) and returns the JSON for history/summary plus the files written.

Charts (``trackwell.plot.*``) are not history values: :func:`split_charts` takes them out of a row
and says what to put in history (``<key>_table``) and in config (``_wandb.visualize.<key>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import (
    is_matplotlib_figure,
    is_numpy,
    is_pandas_dataframe,
    is_pil_image,
    is_plotly_figure,
    is_torch_tensor,
    to_numpy_copy,
)
from trackwell.data_types.base import Media, MediaRef
from trackwell.data_types.custom_chart import CustomChart

_NATIVE = frozenset({int, float, str, bool, type(None)})
MAX_INLINE_ARRAY = 32  # wandb: arrays up to 32 elements are logged as lists, larger ones as histograms
HISTOGRAM_BINS = 32


def to_loggable(value: Any) -> Any:
    """A JSON-native value, a container of them, a :class:`Media` or a :class:`CustomChart`."""
    if type(value) in _NATIVE or isinstance(value, Media | CustomChart):
        return value
    if isinstance(value, dict):
        return {k: to_loggable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        from trackwell.data_types.gallery import MediaGallery, is_gallery

        if is_gallery(value):
            return MediaGallery(value)
        return [to_loggable(v) for v in value]
    if is_numpy(value) or is_torch_tensor(value):
        return _array_value(value)
    return _other_value(value)


def _array_value(value: Any) -> Any:
    if is_numpy(value) and not hasattr(value, "shape"):
        return value.item()  # a numpy scalar type without shape (rare: np.str_ has one too)
    array = to_numpy_copy(value) if is_torch_tensor(value) else value
    if array.ndim == 0:
        return array.item()
    if array.size <= MAX_INLINE_ARRAY or array.dtype.kind not in "biuf":
        return array.tolist()
    from trackwell.data_types.histogram import Histogram

    return Histogram(array.astype("float64"), num_bins=HISTOGRAM_BINS)


def _other_value(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):  # subclasses: IntEnum, str enums
        return value
    if is_pandas_dataframe(value):
        from trackwell.data_types.table import Table

        return Table(dataframe=value)
    if hasattr(value, "to_numpy") and type(value).__module__.startswith("pandas"):
        return _array_value(value.to_numpy())  # a Series or an Index
    if is_plotly_figure(value):
        from trackwell.data_types.plotly import Plotly

        return Plotly(value)
    if is_matplotlib_figure(value):
        from trackwell.data_types.plotly import Plotly, plotly_available

        if plotly_available():
            return Plotly(value)
        from trackwell.data_types.image import Image

        return Image(value)
    if is_pil_image(value):
        from trackwell.data_types.image import Image

        return Image(value)
    if isinstance(value, set | frozenset):
        return [to_loggable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(
        f"cannot log a value of type {type(value).__name__}; log numbers, strings, lists, dicts, "
        "arrays or media such as wandb.Image"
    )


def bind_value(value: Any, files_dir: Path, key: str, step: int | str) -> tuple[Any, list[str]]:
    """The JSON for a converted value, binding every media inside (SDK background thread).

    Media nested in dicts are written under ``<key>.<subkey>``, mirroring how the UI names them.
    """
    files: list[str] = []

    def walk(v: Any, k: str) -> Any:
        if type(v) in _NATIVE:
            return v
        if isinstance(v, Media):
            ref: MediaRef = v.bind(files_dir, k, step)
            files.extend(ref.files)
            return ref.json
        if isinstance(v, CustomChart):
            return walk(v.table, k)
        if isinstance(v, dict):
            return {sub: walk(item, f"{k}.{sub}") for sub, item in v.items()}
        if isinstance(v, list | tuple):
            return [walk(item, k) for item in v]
        return v

    return walk(value, key), files


def split_charts(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(row with each chart K replaced by its table under K_table, {K: visualize spec})``."""
    if not any(isinstance(v, CustomChart) for v in row.values()):
        return row, {}
    out: dict[str, Any] = {}
    visualize: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, CustomChart):
            out[value.table_key(key)] = value.table
            visualize[key] = value.visualize_config(key)
        else:
            out[key] = value
    return out, visualize
