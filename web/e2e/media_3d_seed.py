"""Seeds the 3D e2e test (media-3d.e2e.ts) with the real SDK: point clouds, a lidar scene with boxes
and vectors, OBJ/STL/glTF meshes, a molecule, 3D cells in a table, and a Plotly figure whose JSON
carries script payloads that must not reach the app.

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/media_3d_seed.py`` against a running local server.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import tempfile
from pathlib import Path

import numpy as np

import trackwell as wandb

# Ethanol with its hydrogens (coordinates from RDKit's embedding, rounded): 9 atoms.
ETHANOL_PDB = """\
HETATM    1  C1  UNL     1      -0.926   0.085   0.080  1.00  0.00           C
HETATM    2  C2  UNL     1       0.481  -0.407  -0.182  1.00  0.00           C
HETATM    3  O1  UNL     1       1.338   0.579   0.321  1.00  0.00           O
HETATM    4  H1  UNL     1      -1.163   0.002   1.162  1.00  0.00           H
HETATM    5  H2  UNL     1      -1.616  -0.555  -0.485  1.00  0.00           H
HETATM    6  H3  UNL     1      -1.046   1.126  -0.247  1.00  0.00           H
HETATM    7  H4  UNL     1       0.632  -1.371   0.341  1.00  0.00           H
HETATM    8  H5  UNL     1       0.607  -0.577  -1.271  1.00  0.00           H
HETATM    9  H6  UNL     1       1.293   1.118  -0.500  1.00  0.00           H
CONECT    1    2    4    5    6
CONECT    2    3    7    8
CONECT    3    9
END
"""

# Script payloads in a figure's strings: in the sandboxed viewer none of them may reach the app.
PAYLOAD = "<img src=x onerror=\"window.top.__pwned='img'\">"
PWNED_LINK = "<a href=\"javascript:window.top.__pwned='link'\">click</a>"


def main() -> None:
    run = wandb.init(project="media-3d", name="shapes")
    workdir = Path(tempfile.mkdtemp())
    run.log(
        {
            "cloud": wandb.Object3D(colored_sphere(), caption="a coloured sphere"),
            "scene": lidar_scene(),
            "mesh": wandb.Object3D(write(workdir / "pyramid.obj", PYRAMID_OBJ)),
            "part": wandb.Object3D(io.BytesIO(binary_stl()), file_type="stl"),
            "gltf": wandb.Object3D(io.StringIO(triangle_gltf()), file_type="gltf"),
            "molecule": wandb.Molecule(write(workdir / "ethanol.pdb", ETHANOL_PDB), caption="ethanol"),
            "clouds": [
                wandb.Object3D(colored_sphere() + [i * 3, 0, 0, 0, 0, 0], caption=f"c{i}") for i in range(2)
            ],
            "shapes": shapes_table(workdir),
            "pwn": wandb.Plotly(
                {
                    "data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2], "name": PAYLOAD}],
                    "layout": {
                        "title": {"text": f"safe chart {PAYLOAD}"},
                        "annotations": [{"text": PWNED_LINK, "x": 0, "y": 1, "showarrow": False}],
                    },
                }
            ),
        }
    )
    run.finish()


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def colored_sphere(n: int = 800) -> np.ndarray:
    """Points on a unit sphere, coloured by position (x y z r g b, colours 0..255)."""
    rng = np.random.default_rng(0)
    xyz = rng.normal(size=(n, 3))
    xyz /= np.linalg.norm(xyz, axis=1, keepdims=True)
    rgb = (xyz + 1) * 127.5
    return np.hstack([xyz, rgb])


def lidar_scene() -> wandb.Object3D:
    rng = np.random.default_rng(1)
    ground = np.column_stack(
        [rng.uniform(-10, 10, 1500), rng.uniform(-10, 10, 1500), np.zeros(1500), np.ones(1500)]
    )
    car = np.column_stack(
        [rng.uniform(1, 5, 300), rng.uniform(1, 3, 300), rng.uniform(0, 1.5, 300), np.full(300, 2)]
    )
    boxes = [
        wandb.box3d(
            center=(3, 2, 0.75),
            size=(4, 2, 1.5),
            orientation=(1, 0, 0, 0),
            color=(1, 0, 0),
            label="car",
            score=0.92,
        ),
        wandb.box3d(
            center=(-5, -4, 1),
            size=(1, 1, 2),
            orientation=(0.92, 0, 0, 0.38),
            color=(0, 0.6, 1),
            label="person",
        ),
    ]
    vectors = [{"start": [3, 2, 1.6], "end": [6, 2, 1.6]}]
    return wandb.Object3D.from_point_cloud(points=np.vstack([ground, car]), boxes=boxes, vectors=vectors)


PYRAMID_OBJ = """\
v 0 0 0
v 1 0 0
v 1 0 1
v 0 0 1
v 0.5 1 0.5
f 1 2 3
f 1 3 4
f 1 2 5
f 2 3 5
f 3 4 5
f 4 1 5
"""


def binary_stl() -> bytes:
    """A tetrahedron as binary STL."""
    v = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)]
    faces = [(0, 2, 1), (0, 1, 3), (0, 3, 2), (1, 2, 3)]
    out = bytearray(b"trackwell tetrahedron".ljust(80, b" "))
    out += struct.pack("<I", len(faces))
    for face in faces:
        out += struct.pack("<3f", 0, 0, 0)
        for i in face:
            out += struct.pack("<3f", *v[i])
        out += struct.pack("<H", 0)
    return bytes(out)


def triangle_gltf() -> str:
    """A one-triangle glTF 2.0 file with its buffer embedded as a data URI."""
    positions = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
    uri = "data:application/octet-stream;base64," + base64.b64encode(positions).decode()
    gltf = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "buffers": [{"uri": uri, "byteLength": len(positions)}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)}],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 3,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [1, 1, 0],
            }
        ],
    }
    return json.dumps(gltf)


def shapes_table(workdir: Path) -> wandb.Table:
    table = wandb.Table(columns=["name", "shape", "molecule"])
    table.add_data(
        "sphere",
        wandb.Object3D(colored_sphere(200)),
        wandb.Molecule(io.StringIO(ETHANOL_PDB), file_type="pdb"),
    )
    table.add_data("pyramid", wandb.Object3D(workdir / "pyramid.obj"), None)
    return table


if __name__ == "__main__":
    main()
