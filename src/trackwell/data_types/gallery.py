"""A list of media of one type logged under one key: wandb's batched JSON shapes.

``log({"samples": [Image, Image, ...]})`` becomes one history value, e.g. ``images/separated``
with each image written as its own file. wandb keeps at most 108 images per list; so do we (the
rest are dropped with a warning rather than failing the training loop).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from trackwell.data_types.audio import Audio
from trackwell.data_types.base import Media, MediaRef
from trackwell.data_types.html import Html
from trackwell.data_types.image import Image
from trackwell.data_types.molecule import Molecule
from trackwell.data_types.object_3d import Object3D
from trackwell.data_types.video import Video

MAX_IMAGES = 108
GALLERY_TYPES: tuple[type[Media], ...] = (Image, Audio, Video, Html, Object3D, Molecule)
# wandb's ``seq_to_json`` shape for these: {"_type", "filenames", "count", "captions"}.
_FILE_LISTS: dict[type[Media], str] = {Object3D: "object3D", Molecule: "molecule"}

_log = logging.getLogger("trackwell")


def is_gallery(items: list[Any] | tuple[Any, ...]) -> bool:
    """True for a non-empty list whose items are all media of one gallery type."""
    if not items:
        return False
    kind = type(items[0])
    return kind in GALLERY_TYPES and all(type(i) is kind for i in items)


class MediaGallery(Media):
    """Several media of one type, bound together into one history value."""

    def __init__(self, items: list[Any] | tuple[Any, ...]) -> None:
        if not is_gallery(items):
            raise TypeError("MediaGallery: expected a non-empty list of media of one type")
        self.items: list[Any] = list(items)
        self.kind: type[Media] = type(items[0])
        if self.kind is Image and len(self.items) > MAX_IMAGES:
            _log.warning("only the first %d of %d images in one list are logged", MAX_IMAGES, len(items))
            self.items = self.items[:MAX_IMAGES]

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        refs = [item.bind(files_dir, key, step) for item in self.items]
        files = [f for r in refs for f in r.files]
        jsons = [r.json for r in refs]
        captions = [item.caption or "" for item in self.items]
        has_captions = any(item.caption is not None for item in self.items)
        json: dict[str, Any] = {"count": len(refs)}
        if self.kind is Image:
            first = self.items[0]
            json.update(
                _type="images/separated",
                width=first.width,
                height=first.height,
                format=first.format,
                filenames=[j["path"] for j in jsons],
            )
            if any("masks" in j for j in jsons):
                json["all_masks"] = [j.get("masks") for j in jsons]
            if any("boxes" in j for j in jsons):
                json["all_boxes"] = [j.get("boxes") for j in jsons]
        elif self.kind is Audio:
            json.update(
                _type="audio",
                audio=jsons,
                sampleRates=[item.sample_rate for item in self.items],
                durations=[item.duration for item in self.items],
            )
        elif self.kind is Video:
            json.update(_type="videos", videos=jsons)
        elif self.kind in _FILE_LISTS:
            json.update(_type=_FILE_LISTS[self.kind], filenames=[j["path"] for j in jsons])
        else:
            json.update(_type="html", html=jsons)
        if has_captions:
            json["captions"] = captions
        return MediaRef(json=json, files=files)

    def __repr__(self) -> str:
        return f"<MediaGallery {len(self.items)} x {self.kind.__name__}>"
