"""Media and tables (Image, Audio, Video, Table, Histogram, Html, Object3D, Molecule, plots).

Each turns a value into a file in the run dir plus a small JSON reference in wandb's shapes.
Imports schema only.

The classes are loaded on first use (PEP 562 ``__getattr__``) so that ``import trackwell`` stays
fast; none of them imports numpy, PIL or matplotlib at import time either.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trackwell.data_types.audio import Audio
    from trackwell.data_types.base import Media, MediaRef, WBValue
    from trackwell.data_types.custom_chart import CustomChart
    from trackwell.data_types.histogram import Histogram
    from trackwell.data_types.html import Html
    from trackwell.data_types.image import Image
    from trackwell.data_types.image_overlays import Classes
    from trackwell.data_types.molecule import Molecule
    from trackwell.data_types.object_3d import Object3D, box3d
    from trackwell.data_types.plotly import Plotly
    from trackwell.data_types.table import Table
    from trackwell.data_types.video import Video

_WHERE = {
    "Audio": "audio",
    "Classes": "image_overlays",
    "CustomChart": "custom_chart",
    "Histogram": "histogram",
    "Html": "html",
    "Image": "image",
    "Media": "base",
    "MediaRef": "base",
    "Molecule": "molecule",
    "Object3D": "object_3d",
    "Plotly": "plotly",
    "box3d": "object_3d",
    "Table": "table",
    "Video": "video",
    "WBValue": "base",
}

__all__ = [
    "Audio",
    "Classes",
    "CustomChart",
    "Histogram",
    "Html",
    "Image",
    "Media",
    "MediaRef",
    "Molecule",
    "Object3D",
    "Plotly",
    "Table",
    "Video",
    "WBValue",
    "box3d",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'trackwell.data_types' has no attribute {name!r}")
    return getattr(import_module(f"trackwell.data_types.{module}"), name)
