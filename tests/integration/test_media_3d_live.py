"""Object3D, Molecule, object-dtype images and truncated line series logged to a real server and read
back over HTTP: the references in history and the files' bytes as the UI fetches them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image as PILImage

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_sdk_at

WATER_PDB = "HETATM    1  O   HOH A   1       0.000   0.000   0.000  1.00  0.00           O\nEND\n"


@pytest.fixture
def env(tmp_path: Path, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    point_sdk_at(live_server, tmp_path, monkeypatch)
    yield live_server
    trackwell.finish()


def test_3d_media_and_fixed_values_reach_the_server(env: LiveServer, tmp_path: Path) -> None:
    points = np.array([[0, 0, 0, 255, 0, 0], [1, 2, 3, 0, 255, 0]], dtype=np.float32)
    mesh = tmp_path / "tri.obj"
    mesh.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    digit = np.array([[0, 255], [128, 64]], dtype=object)  # what df.iloc[i].values gives

    run = trackwell.init(project="media 3d", dir=tmp_path)
    run.log(
        {
            "cloud": trackwell.Object3D(points, caption="two points"),
            "scene": trackwell.Object3D.from_point_cloud(
                points[:, :3],
                [
                    trackwell.box3d(
                        center=(0, 0, 0), size=(1, 1, 1), orientation=(1, 0, 0, 0), color=(1, 0, 0)
                    )
                ],
            ),
            "mesh": trackwell.Object3D(mesh),
            "mol": trackwell.Molecule(io.StringIO(WATER_PDB), file_type="pdb", caption="water"),
            "digit": trackwell.Image(digit),
            "series": trackwell.plot.line_series([0, 1, 2], [[5, 6], [7, 8, 9, 10]], keys=["a", "b"]),
        }
    )
    run.finish()

    base = f"{env.url}/api/v1/runs/{run.entity}/media%203d/{run.id}"
    with httpx.Client(headers={"Authorization": f"Bearer {env.api_key}"}, timeout=30) as http:
        (row,) = http.get(f"{base}/history/rows").raise_for_status().json()["rows"]

        def file(path: str) -> bytes:
            return http.get(f"{base}/files/{path}").raise_for_status().content

        cloud = row["cloud"]
        assert cloud["_type"] == "object3D-file" and cloud["caption"] == "two points"
        assert json.loads(file(cloud["path"])) == points.tolist()
        scene = json.loads(file(row["scene"]["path"]))
        assert scene["type"] == "lidar/beta" and len(scene["boxes"][0]["corners"]) == 8
        assert row["mesh"]["path"].endswith(".obj") and file(row["mesh"]["path"]) == mesh.read_bytes()
        assert row["mol"]["_type"] == "molecule-file" and row["mol"]["caption"] == "water"
        assert file(row["mol"]["path"]) == WATER_PDB.encode()
        with PILImage.open(io.BytesIO(file(row["digit"]["path"]))) as im:
            assert np.asarray(im).tolist() == [[0, 255], [128, 64]]
        table = json.loads(file(row["series_table"]["path"]))
        assert table["data"] == [[0, "a", 5], [1, "a", 6], [0, "b", 7], [1, "b", 8], [2, "b", 9]]
