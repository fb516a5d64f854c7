"""What media logging costs: the caller's thread (constructing objects) vs the SDK's thread (bind).

``trackwell.Image(array)`` runs inside the user's training loop, so it may only validate and copy;
encoding and writing happen in ``Media.bind`` on the SDK's background thread. This measures both
for 64x64 RGB images, plus a 10,000-row table with one image column, so a regression that moves
encoding onto the caller's thread shows up as a jump in the first number.

Run: ``.venv/bin/python -m benchmarks.media_bench [--quick]`` (or ``make bench``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import Result
from trackwell.data_types.image import Image
from trackwell.data_types.table import Table

BENCH = "media"


def _images(count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8) for _ in range(count)]


def main(quick: bool = False) -> list[Result]:
    count = 200 if quick else 1000
    arrays = _images(count)
    Image(arrays[0])  # warm up: the first call imports numpy helpers

    started = time.perf_counter()
    images = [Image(a, caption=f"#{i}") for i, a in enumerate(arrays)]
    construct_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        files_dir = Path(tmp)
        started = time.perf_counter()
        for i, image in enumerate(images):
            image.bind(files_dir, "examples/pred", i)
        bind_s = time.perf_counter() - started

        rows = 2000 if quick else 10_000
        table = Table(columns=["id", "score", "image"])
        started = time.perf_counter()
        for i in range(rows):
            table.add_data(i, i / rows, images[i % count])
        table_build_s = time.perf_counter() - started
        started = time.perf_counter()
        table.bind(files_dir, "preds", 0)
        table_bind_s = time.perf_counter() - started

    scale = 1000 / count  # report per 1,000 images whatever the run size
    return [
        Result(BENCH, "construct 1,000 64x64 Image (caller thread)", construct_s * scale, "s", "< 1"),
        Result(BENCH, "bind 1,000 64x64 Image (PNG + write, SDK thread)", bind_s * scale, "s"),
        Result(BENCH, f"Table add_data, {rows:,} rows with an image column", table_build_s, "s"),
        Result(BENCH, f"Table bind, {rows:,} rows ({count} distinct images)", table_bind_s, "s"),
    ]


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:.4f} {r.unit} {('(target ' + r.target + ')') if r.target else ''}")
