"""``trackwell.Object3D``: point clouds and 3D meshes, drawn by the UI's 3D viewer.

Accepted as in wandb 0.31 (JSON ``_type: "object3D-file"``, files under ``media/object3D/``):

* a numpy array of shape ``(N, 3)`` (x y z), ``(N, 4)`` (x y z category, categories 1..14) or
  ``(N, 6)`` (x y z r g b, colours 0..255), written as a ``.pts.json`` list of points;
* a scene dict ``{"type": "lidar/beta", "points": ..., "boxes": ..., "vectors": ...}`` (what
  :meth:`Object3D.from_point_cloud` builds), written as ``.pts.json``;
* a file path ending in one of :data:`SUPPORTED_TYPES`, or a file object with ``file_type=``.

Every input is copied at construction; the JSON is encoded on the SDK's thread at bind time.
Non-finite coordinates (NaN, inf: lidar drop-outs) are written as ``null``, which JSON can carry
and the viewer skips; wandb writes bare ``NaN``, which a browser's JSON parser refuses.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, ClassVar

from trackwell.data_types._arrays import is_numpy, to_numpy_copy
from trackwell.data_types.base import Media, check_size, optional_caption, read_file_bytes

SUPPORTED_TYPES = frozenset({"obj", "gltf", "glb", "babylon", "stl", "pts.json"})
SUPPORTED_POINT_CLOUD_TYPES = frozenset({"lidar/beta"})

_SHAPES = (
    "Object3D: a numpy point cloud must have shape (N, 3) for [x, y, z], (N, 4) for [x, y, z, category] "
    "(category 1..14) or (N, 6) for [x, y, z, r, g, b] (colours 0..255); got shape {shape}"
)


def _finite(value: Any) -> Any:
    """``value`` as JSON-native data with NaN/inf replaced by ``None`` (numpy values unwrapped)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _points_json(array: Any) -> list[Any]:
    """Rows of an (N, 3|4|6) array as lists, non-finite values as ``None``."""
    import numpy as np

    data = np.asarray(array, dtype=np.float64)
    finite = np.isfinite(data)
    if finite.all():
        rows: list[Any] = data.tolist()
        return rows
    out = data.astype(object)
    out[~finite] = None
    rows = out.tolist()
    return rows


def _check_points(array: Any, what: str = "points") -> Any:
    import numpy as np

    array = to_numpy_copy(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Object3D: {what} must be numbers, got an array of dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] not in (3, 4, 6):
        raise ValueError(_SHAPES.format(shape=tuple(array.shape)))
    return array.astype(np.float64)


class Object3D(Media):
    """A point cloud or 3D mesh logged to a run (wandb's ``Object3D``)."""

    _type = "object3D-file"
    SUBDIR = "object3D"
    SUPPORTED_TYPES: ClassVar[frozenset[str]] = SUPPORTED_TYPES
    SUPPORTED_POINT_CLOUD_TYPES: ClassVar[frozenset[str]] = SUPPORTED_POINT_CLOUD_TYPES

    def __init__(self, data_or_path: Any, caption: str | None = None, **kwargs: Any) -> None:
        self.caption = optional_caption("Object3D", caption)
        file_type = kwargs.pop("file_type", None)
        if kwargs:
            raise TypeError(f"Object3D() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
        self._points: Any = None  # an (N, 3|4|6) float64 copy
        self._scene: dict[str, Any] | None = None  # a lidar/beta scene, JSON-native
        self._file: bytes | None = None
        self.extension = "pts.json"
        name = getattr(data_or_path, "name", None)
        if not isinstance(data_or_path, str | Path) and isinstance(name, str) and Path(name).is_file():
            data_or_path = name  # an open file: copy it from its path, as wandb does
        if hasattr(data_or_path, "read"):
            self._from_stream(data_or_path, file_type)
        elif isinstance(data_or_path, str | Path):
            self._from_path(Path(data_or_path))
        elif isinstance(data_or_path, dict) and "type" in data_or_path:
            self._scene = _scene_json(data_or_path)
        elif is_numpy(data_or_path):
            nbytes = getattr(data_or_path, "nbytes", 0)
            check_size("Object3D", int(nbytes))
            self._points = _check_points(data_or_path)
        else:
            raise TypeError(
                f"Object3D: cannot make a 3D object from {type(data_or_path).__name__}; pass a numpy "
                "array (N x 3, 4 or 6), a lidar/beta scene dict, a file path or a file object with "
                f"file_type= (one of {', '.join(sorted(SUPPORTED_TYPES))})"
            )

    def _from_stream(self, stream: Any, file_type: str | None) -> None:
        if file_type is None:
            raise ValueError(
                "Object3D: pass file_type= with a file object, one of " + ", ".join(sorted(SUPPORTED_TYPES))
            )
        file_type = str(file_type).lower().lstrip(".")
        if file_type not in SUPPORTED_TYPES:
            raise ValueError(
                f"Object3D(file_type={file_type!r}): use one of {', '.join(sorted(SUPPORTED_TYPES))}"
            )
        if hasattr(stream, "seek"):
            stream.seek(0)
        data = stream.read()
        self._file = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        check_size("Object3D", len(self._file))
        self.extension = file_type

    def _from_path(self, path: Path) -> None:
        name = path.name.lower()
        extension = next(
            (t for t in sorted(SUPPORTED_TYPES, key=len, reverse=True) if name.endswith("." + t)), None
        )
        if extension is None:
            raise ValueError(
                f"Object3D: {str(path)!r} is not a supported 3D file; its name must end in one of "
                + ", ".join("." + t for t in sorted(SUPPORTED_TYPES))
            )
        self._file = read_file_bytes("Object3D", path)
        self.extension = extension

    @classmethod
    def from_file(cls, data_or_path: Any, file_type: str | None = None) -> Object3D:
        """A 3D file from a path (its extension gives the type) or a file object with ``file_type``."""
        return cls(data_or_path, file_type=file_type)

    @classmethod
    def from_numpy(cls, data: Any) -> Object3D:
        """A point cloud from an (N, 3), (N, 4) or (N, 6) numpy array (see the module docstring)."""
        if not is_numpy(data) or not hasattr(data, "shape"):
            raise TypeError(f"Object3D.from_numpy: expected a numpy array, got {type(data).__name__}")
        return cls(data)

    @classmethod
    def from_point_cloud(
        cls,
        points: Any,
        boxes: Any,
        vectors: Any = None,
        point_cloud_type: str = "lidar/beta",
    ) -> Object3D:
        """A lidar-style scene: points, labelled 3D boxes (see :func:`box3d`) and optional vectors."""
        if point_cloud_type not in SUPPORTED_POINT_CLOUD_TYPES:
            raise ValueError(
                f"Object3D.from_point_cloud(point_cloud_type={point_cloud_type!r}): "
                "only 'lidar/beta' is supported"
            )
        scene: dict[str, Any] = {"type": point_cloud_type, "points": points, "boxes": boxes}
        scene["vectors"] = vectors if vectors is not None else []
        return cls(scene)

    def _encode(self) -> tuple[bytes, str]:
        if self._file is not None:
            return self._file, "." + self.extension
        value: Any = self._scene if self._scene is not None else _points_json(self._points)
        # Compact (wandb indents by 4, which doubles a large cloud's size); keys sorted as wandb's.
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, allow_nan=False)
        return text.encode("utf-8"), ".pts.json"

    def __repr__(self) -> str:
        return f"<Object3D .{self.extension}>"


def _scene_json(scene: dict[str, Any]) -> dict[str, Any]:
    """A ``{"type": "lidar/beta", ...}`` scene as JSON-native data, checked and copied."""
    kind = scene.get("type")
    if kind not in SUPPORTED_POINT_CLOUD_TYPES:
        raise ValueError(f"Object3D: scene type {kind!r} is not supported; use 'lidar/beta'")
    out: dict[str, Any] = {"type": kind}
    points = scene.get("points")
    if points is None or (hasattr(points, "__len__") and len(points) == 0):
        out["points"] = []
    else:
        out["points"] = _points_json(_check_points(points))
    for field in ("boxes", "vectors"):
        value = scene.get(field)
        out[field] = [] if value is None else _finite(value)
        if not isinstance(out[field], list):
            raise TypeError(f"Object3D: scene {field!r} must be a list, got {type(value).__name__}")
    for i, box in enumerate(out["boxes"]):
        corners = box.get("corners") if isinstance(box, dict) else None
        if not isinstance(corners, list) or len(corners) != 8:
            raise ValueError(
                f"Object3D: box {i} needs 'corners': 8 [x, y, z] points (build boxes with trackwell.box3d)"
            )
    for i, vector in enumerate(out["vectors"]):
        if not isinstance(vector, dict) or "start" not in vector or "end" not in vector:
            raise ValueError(f"Object3D: vector {i} needs 'start' and 'end' [x, y, z] points")
    size = sum(len(out[f]) for f in ("points", "boxes", "vectors")) * 24
    check_size("Object3D", size)
    return out


def box3d(
    *,
    center: Any,
    size: Any,
    orientation: Any,
    color: Any,
    label: str | None = None,
    score: float | None = None,
) -> dict[str, Any]:
    """A 3D box for :meth:`Object3D.from_point_cloud` (wandb's ``box3d``).

    ``center`` and ``size`` are [x, y, z]; ``orientation`` is the quaternion [r, x, y, z] that
    turns world coordinates into the box's own; ``color`` is (r, g, b) with components in 0..1.
    """
    import itertools

    import numpy as np

    c = np.asarray(center, dtype=np.float64)
    s = np.asarray(size, dtype=np.float64)
    q = np.asarray(orientation, dtype=np.float64)
    for name, value, shape in (("center", c, (3,)), ("size", s, (3,)), ("orientation", q, (4,))):
        if value.shape != shape:
            raise ValueError(f"box3d: {name} must have {shape[0]} numbers, got shape {tuple(value.shape)}")
    unit = np.array(list(itertools.product((-1, 1), (-1, 1), (-1, 1))), dtype=np.float64)
    corners = c + (0.5 * s * unit) @ _rotation(q)
    return {
        "corners": [[float(v) for v in corner] for corner in corners],
        "color": [float(v) for v in color],
        "label": label,
        "score": None if score is None else float(score),
    }


def _rotation(quaternion: Any) -> Any:
    """The rotation matrix of a non-zero quaternion, for row vectors (``points @ R``)."""
    import numpy as np

    q = np.abs(quaternion)  # wandb normalises the absolute values; kept for the same boxes
    top = q.max()
    if top == 0:
        raise ValueError("box3d: orientation must be a non-zero quaternion")
    q = q / top
    r, i, j, k = q / np.linalg.norm(q)
    return np.array(
        (
            (1 - 2 * (j * j + k * k), 2 * (i * j + k * r), 2 * (i * k - j * r)),
            (2 * (i * j - k * r), 1 - 2 * (i * i + k * k), 2 * (j * k + i * r)),
            (2 * (i * k + j * r), 2 * (j * k - i * r), 1 - 2 * (i * i + j * j)),
        ),
        dtype=np.float64,
    )
