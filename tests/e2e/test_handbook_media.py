"""Handbook examples 04 (images, a matplotlib figure, audio) and 05 (a table), run unchanged, and
what comes back: the history references in wandb's shapes, and the files' real bytes, pixels,
sample rates and table cells, downloaded from the server."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import trackwell
from tests.e2e.test_handbook_tracking import _env, only_run, run_example
from tests.fixtures.live_server import LiveServer

pytestmark = pytest.mark.e2e


def _download(run: Any, path: str, root: Path) -> bytes:
    run.file(path).download(root=root, replace=True)
    return (root / path).read_bytes()


def test_04_media_images_and_audio_round_trip(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    import soundfile
    from PIL import Image

    proc = run_example(live_server, tmp_path, "04_media.py")
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "media-demo")
    rows = list(run.scan_history())
    assert [r["epoch"] for r in rows] == [0, 10, 20]
    for row in rows:
        image = row["examples/prediction_image"]
        assert image["_type"] == "image-file"
        assert (image["width"], image["height"], image["caption"]) == (
            128,
            128,
            f"Epoch {row['epoch']} sample",
        )
        png = _download(run, image["path"], tmp_path / "dl")
        decoded = Image.open(io.BytesIO(png))
        assert decoded.size == (128, 128) and decoded.mode == "RGB"

        figure = row["charts/confidence_curve"]
        assert figure["_type"] == "image-file"
        assert Image.open(io.BytesIO(_download(run, figure["path"], tmp_path / "dl"))).size == (
            figure["width"],
            figure["height"],
        )

        audio = row["audio/sample_output"]
        assert audio["_type"] == "audio-file" and audio["caption"] == f"Epoch {row['epoch']}"
        samples, rate = soundfile.read(io.BytesIO(_download(run, audio["path"], tmp_path / "dl")))
        assert (rate, samples.shape) == (16000, (16000,))
        assert samples.dtype.kind == "f" and abs(samples).max() <= 0.1  # float samples kept, not requantised
    assert run.summary["examples/prediction_image"]["path"] == rows[-1]["examples/prediction_image"]["path"]


def test_05_table_cells_come_back(live_server: LiveServer, tmp_path: Path, api: Any) -> None:
    proc = run_example(live_server, tmp_path, "05_table.py")
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "table-demo")
    (row,) = list(run.scan_history())
    ref = row["validation/prediction_table"]
    assert ref["_type"] == "table-file"
    assert (ref["nrows"], ref["ncols"]) == (3, 4)
    table = json.loads(_download(run, ref["path"], tmp_path / "dl"))
    assert table["columns"] == ["text", "actual_label", "predicted_label", "confidence"]
    assert table["data"] == [
        ["refund still not received after 10 days", "billing", "billing", 0.97],
        ["the app crashes on launch on ios", "bug", "bug", 0.93],
        ["can you add dark mode to the dashboard", "feature", "billing", 0.41],
    ]
    again = run.table("validation/prediction_table")
    assert again.columns == table["columns"] and again.data == table["data"]
    assert list(again.get_dataframe()["confidence"]) == [0.97, 0.93, 0.41]


def test_table_with_image_cells_reads_back_as_images(
    live_server: LiveServer, tmp_path: Path, api: Any
) -> None:
    import numpy as np

    script = tmp_path / "table_images.py"
    script.write_text(
        "import numpy as np\n"
        "import trackwell as wandb\n"
        "run = wandb.init(project='table-images')\n"
        "table = wandb.Table(columns=['id', 'image'])\n"
        "for i in range(3):\n"
        "    table.add_data(i, wandb.Image(np.full((8, 8, 3), 40 * i, np.uint8)))\n"
        "wandb.log({'samples': table})\n"
        "wandb.finish()\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=_env(live_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr
    run = only_run(api, "table-images")
    table = run.table("samples", root=tmp_path / "dl")
    assert [row[0] for row in table.data] == [0, 1, 2]
    for i, (_, image) in enumerate(table.data):
        assert isinstance(image, trackwell.Image)
        pixels = np.asarray(image.image)
        assert pixels.shape == (8, 8, 3) and int(pixels[0, 0, 0]) == 40 * i
