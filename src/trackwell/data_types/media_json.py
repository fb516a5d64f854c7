"""Rebuild media objects from their logged JSON references (the reverse of ``Media.bind``).

Used by :meth:`Table.from_json` for media cells, and available to the query API for history
values. Unknown ``_type`` values, and dicts that are plain data, come back unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trackwell.data_types.base import Media


def media_from_json(obj: dict[str, Any], files_root: Path) -> Media | dict[str, Any]:
    """A media object for a ``{"_type": "image-file", "path": ...}``-style reference under ``files_root``."""
    kind = obj.get("_type")
    caption = obj.get("caption")
    if kind == "histogram":
        from trackwell.data_types.histogram import Histogram

        return Histogram(np_histogram=(obj["values"], obj["bins"]))
    path = obj.get("path")
    if not isinstance(path, str):
        return obj
    full = files_root / path
    if kind == "image-file":
        from trackwell.data_types.image import Image

        return Image(full, caption=caption, grouping=obj.get("grouping"))
    if kind == "audio-file":
        from trackwell.data_types.audio import Audio

        return Audio(full, sample_rate=obj.get("sample_rate"), caption=caption)
    if kind == "video-file":
        from trackwell.data_types.video import Video

        return Video(full, caption=caption)
    if kind == "html-file":
        from trackwell.data_types.html import Html

        return Html(full, inject=False)
    if kind == "plotly-file":
        from trackwell.data_types.plotly import Plotly

        return Plotly(json.loads(full.read_text("utf-8")))
    if kind == "object3D-file":
        from trackwell.data_types.object_3d import Object3D

        return Object3D(full, caption=caption)
    if kind == "molecule-file":
        from trackwell.data_types.molecule import Molecule

        return Molecule(full, caption=caption)
    if kind == "table-file":
        from trackwell.data_types.table import Table

        return Table.from_json(obj, files_root)
    return obj
