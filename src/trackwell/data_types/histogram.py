"""``trackwell.Histogram``: counts and bin edges, stored inline in history (no file).

JSON is wandb's ``{"_type": "histogram", "values": [counts], "bins": [edges]}`` with
``len(bins) == len(values) + 1``. NaN and infinite values are left out of the counts (numpy cannot
place them in a bin) rather than failing the whole ``log`` call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import to_numpy_copy
from trackwell.data_types.base import Media, MediaRef

MAX_BINS = 512


class Histogram(Media):
    """A distribution summarised as counts per bin, like ``wandb.Histogram``."""

    _type = "histogram"

    def __init__(self, sequence: Any = None, np_histogram: Any = None, num_bins: int = 64) -> None:
        if np_histogram is not None:
            if sequence is not None:
                raise ValueError("Histogram: pass either sequence= or np_histogram=, not both")
            self.histogram, self.bins = self._from_np_histogram(np_histogram)
        elif sequence is not None:
            if not isinstance(num_bins, int) or not 1 <= num_bins <= MAX_BINS:
                raise ValueError(f"Histogram: num_bins must be an integer in 1..{MAX_BINS}, got {num_bins!r}")
            self.histogram, self.bins = self._from_sequence(sequence, num_bins)
        else:
            raise ValueError("Histogram: pass sequence= (the values) or np_histogram=(counts, edges)")
        if len(self.histogram) > MAX_BINS:
            raise ValueError(f"Histogram: {len(self.histogram)} bins is over the {MAX_BINS}-bin limit")

    @staticmethod
    def _from_np_histogram(np_histogram: Any) -> tuple[list[float], list[float]]:
        if not isinstance(np_histogram, tuple | list) or len(np_histogram) != 2:
            raise ValueError("Histogram: np_histogram must be (counts, bin_edges), as np.histogram returns")
        counts = [_plain(v) for v in to_numpy_copy(np_histogram[0]).ravel().tolist()]
        edges = [float(v) for v in to_numpy_copy(np_histogram[1]).ravel().tolist()]
        if len(edges) != len(counts) + 1:
            raise ValueError(
                f"Histogram: np_histogram has {len(counts)} counts and {len(edges)} edges; "
                "it needs exactly one more edge than counts"
            )
        return counts, edges

    @staticmethod
    def _from_sequence(sequence: Any, num_bins: int) -> tuple[list[float], list[float]]:
        import numpy as np

        values = to_numpy_copy(sequence).astype(np.float64, copy=False).ravel()
        values = values[np.isfinite(values)]
        counts, edges = np.histogram(values, bins=num_bins)
        return [int(c) for c in counts.tolist()], [float(e) for e in edges.tolist()]

    def to_json(self) -> dict[str, Any]:
        return {"_type": self._type, "values": list(self.histogram), "bins": list(self.bins)}

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        return MediaRef(json=self.to_json(), files=[])

    def __repr__(self) -> str:
        return f"<Histogram bins={len(self.histogram)} count={sum(self.histogram)}>"


def _plain(value: Any) -> Any:
    """Counts stay ints when they are whole (np.histogram(density=True) gives floats)."""
    return int(value) if isinstance(value, int) or float(value).is_integer() else float(value)
