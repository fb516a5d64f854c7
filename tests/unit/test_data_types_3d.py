"""Object3D and Molecule: what wandb 0.31 accepts, written as the files and JSON references it writes."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import trackwell
from trackwell.data_types.convert import bind_value, to_loggable
from trackwell.data_types.media_json import media_from_json
from trackwell.data_types.molecule import Molecule
from trackwell.data_types.object_3d import Object3D, box3d
from trackwell.data_types.table import Table

CUBE_OBJ = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3\nf 1 3 4\n"
WATER_PDB = (
    "HETATM    1  O   HOH A   1       0.000   0.000   0.000  1.00  0.00           O\n"
    "HETATM    2  H1  HOH A   1       0.957   0.000   0.000  1.00  0.00           H\n"
    "HETATM    3  H2  HOH A   1      -0.240   0.927   0.000  1.00  0.00           H\n"
    "END\n"
)


def written(tmp_path: Path, ref_json: dict[str, object]) -> bytes:
    return (tmp_path / str(ref_json["path"])).read_bytes()


@pytest.mark.parametrize("width", [3, 4, 6])
def test_numpy_point_clouds_are_written_as_pts_json(tmp_path: Path, width: int) -> None:
    points = np.arange(5 * width, dtype=np.float32).reshape(5, width)
    obj = trackwell.Object3D(points, caption="cloud")
    points[0, 0] = 99  # the logged value was copied at construction
    ref = obj.bind(tmp_path, "cloud", 3)
    assert ref.json["_type"] == "object3D-file" and ref.json["caption"] == "cloud"
    assert ref.json["path"].startswith("media/object3D/cloud_3_") and ref.json["path"].endswith(".pts.json")
    assert ref.files == [ref.json["path"]]
    assert json.loads(written(tmp_path, ref.json)) == np.arange(5 * width).reshape(5, width).tolist()
    assert Object3D.from_numpy(points).bind(tmp_path, "c", 0).json["_type"] == "object3D-file"


def test_bad_point_clouds_say_which_shapes_are_accepted() -> None:
    with pytest.raises(ValueError, match=r"\(N, 3\) for \[x, y, z\].*got shape \(4, 5\)"):
        Object3D(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"got shape \(3,\)"):
        Object3D.from_numpy(np.zeros(3))
    with pytest.raises(TypeError, match="expected a numpy array, got list"):
        Object3D.from_numpy([[0, 0, 0]])
    with pytest.raises(TypeError, match="cannot make a 3D object from int"):
        Object3D(3)


def test_non_finite_coordinates_become_null_so_browsers_can_parse_the_file(tmp_path: Path) -> None:
    points = np.array([[0.0, 1.0, 2.0], [np.nan, 0.0, np.inf]])
    text = written(tmp_path, Object3D(points).bind(tmp_path, "lidar", 0).json).decode()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == [[0.0, 1.0, 2.0], [None, 0.0, None]]


def test_point_cloud_scene_with_boxes_and_vectors(tmp_path: Path) -> None:
    points = np.array([[0, 0, 0, 255, 0, 0], [1, 1, 1, 0, 255, 0]], dtype=np.float64)
    box = box3d(
        center=(1, 2, 3), size=(2, 4, 6), orientation=(1, 0, 0, 0), color=(1, 0, 0), label="car", score=0.9
    )
    vectors = [{"start": [0, 0, 0], "end": [1, 1, 1]}]
    obj = Object3D.from_point_cloud(points=points, boxes=[box], vectors=vectors)
    scene = json.loads(written(tmp_path, obj.bind(tmp_path, "scene", 1).json))
    assert scene["type"] == "lidar/beta"
    assert scene["points"] == points.tolist()
    assert scene["vectors"] == vectors
    (stored,) = scene["boxes"]
    assert stored["label"] == "car" and stored["score"] == 0.9 and stored["color"] == [1.0, 0.0, 0.0]
    # The identity orientation: the corners are the centre plus and minus half the size.
    assert sorted(map(tuple, stored["corners"])) == sorted(
        (1 + dx, 2 + dy, 3 + dz) for dx in (-1, 1) for dy in (-2, 2) for dz in (-3, 3)
    )
    # Without vectors, the scene holds an empty list (as wandb's).
    bare = json.loads(
        written(tmp_path, Object3D.from_point_cloud(points[:, :3], []).bind(tmp_path, "b", 0).json)
    )
    assert bare == {"type": "lidar/beta", "points": points[:, :3].tolist(), "boxes": [], "vectors": []}


def test_box3d_rotates_with_its_quaternion() -> None:
    # 90 degrees about z: a box 2 long in x becomes 2 long in y.
    half = np.sqrt(0.5)
    corners = np.array(
        box3d(center=(0, 0, 0), size=(2, 0, 0), orientation=(half, 0, 0, half), color=(0, 0, 1))["corners"]
    )
    np.testing.assert_allclose(np.abs(corners).max(axis=0), [0, 1, 0], atol=1e-9)
    with pytest.raises(ValueError, match="orientation must have 4 numbers"):
        box3d(center=(0, 0, 0), size=(1, 1, 1), orientation=(1, 0, 0), color=(0, 0, 0))


def test_scene_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match="only 'lidar/beta' is supported"):
        Object3D.from_point_cloud([[0, 0, 0]], [], point_cloud_type="radar")
    with pytest.raises(ValueError, match="box 0 needs 'corners': 8"):
        Object3D.from_point_cloud(np.zeros((1, 3)), [{"corners": [[0, 0, 0]]}])
    with pytest.raises(ValueError, match="vector 0 needs 'start' and 'end'"):
        Object3D.from_point_cloud(np.zeros((1, 3)), [], vectors=[{"start": [0, 0, 0]}])


@pytest.mark.parametrize(
    "name", ["cube.obj", "scene.gltf", "scene.glb", "scene.babylon", "part.stl", "cloud.pts.json"]
)
def test_3d_files_are_copied_byte_for_byte(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(CUBE_OBJ.encode() + bytes(range(256)))
    ref = Object3D(source).bind(tmp_path / "run", "mesh", 2)
    suffix = ".pts.json" if name.endswith(".pts.json") else Path(name).suffix
    assert ref.json["path"].endswith(suffix) and ref.json["_type"] == "object3D-file"
    assert written(tmp_path / "run", ref.json) == source.read_bytes()
    # An open file is read from its path, like wandb.
    with source.open("rb") as fh:
        assert (
            written(tmp_path / "run", Object3D(fh).bind(tmp_path / "run", "m", 0).json) == source.read_bytes()
        )


def test_file_objects_need_a_supported_file_type(tmp_path: Path) -> None:
    ref = Object3D(io.StringIO(CUBE_OBJ), file_type="obj").bind(tmp_path, "mesh", 0)
    assert ref.json["path"].endswith(".obj") and written(tmp_path, ref.json) == CUBE_OBJ.encode()
    assert (
        Object3D.from_file(io.BytesIO(b"glTF"), file_type="glb")
        .bind(tmp_path, "g", 0)
        .json["path"]
        .endswith(".glb")
    )
    with pytest.raises(ValueError, match="pass file_type= with a file object, one of babylon, glb"):
        Object3D(io.StringIO(CUBE_OBJ))
    with pytest.raises(ValueError, match=r"Object3D\(file_type='ply'\): use one of"):
        Object3D(io.StringIO(CUBE_OBJ), file_type="ply")
    bad = tmp_path / "mesh.ply"
    bad.write_text("ply")
    with pytest.raises(ValueError, match=r"mesh.ply' is not a supported 3D file; .* \.obj"):
        Object3D(bad)


@pytest.mark.parametrize("ext", sorted(Molecule.SUPPORTED_TYPES))
def test_molecule_files_of_every_supported_type(tmp_path: Path, ext: str) -> None:
    source = tmp_path / f"water.{ext}"
    source.write_text(WATER_PDB)
    ref = trackwell.Molecule(source, caption="water").bind(tmp_path / "run", "mol", 4)
    assert ref.json["_type"] == "molecule-file" and ref.json["caption"] == "water"
    assert ref.json["path"].startswith("media/molecule/mol_4_") and ref.json["path"].endswith("." + ext)
    assert written(tmp_path / "run", ref.json) == WATER_PDB.encode()


def test_molecule_from_a_file_object_and_its_errors(tmp_path: Path) -> None:
    ref = Molecule(io.StringIO(WATER_PDB), file_type="pdb").bind(tmp_path, "m", 0)
    assert written(tmp_path, ref.json) == WATER_PDB.encode() and ref.json["path"].endswith(".pdb")
    with pytest.raises(ValueError, match="pass file_type= with a file object; use one of .cif"):
        Molecule(io.StringIO(WATER_PDB))
    with pytest.raises(ValueError, match="file_type='xyz'; use one of"):
        Molecule(io.StringIO(WATER_PDB), file_type="xyz")
    (tmp_path / "water.xyz").write_text("3")
    with pytest.raises(ValueError, match="water.xyz' is not a supported molecule file"):
        Molecule(tmp_path / "water.xyz")
    with pytest.raises(TypeError, match="from_rdkit / Molecule.from_smiles"):
        Molecule(42)


def test_from_smiles_without_rdkit_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whether or not RDKit is installed here: a None entry makes ``import rdkit`` fail as if absent.
    for name in ("rdkit", "rdkit.Chem", "rdkit.Chem.AllChem"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="need RDKit: pip install rdkit"):
        Molecule.from_smiles("CCO")
    with pytest.raises(ImportError, match="need RDKit: pip install rdkit"):
        Molecule.from_rdkit("ethanol.sdf")


# RDKit is in the dev extras: this runs the real thing wherever `make test` runs.
def test_from_smiles_writes_a_3d_pdb(tmp_path: Path) -> None:
    pdb = written(
        tmp_path, Molecule.from_smiles("CCO", caption="ethanol").bind(tmp_path, "m", 0).json
    ).decode()
    atoms = [line for line in pdb.splitlines() if line.startswith(("ATOM", "HETATM"))]
    assert len(atoms) == 9  # C2H6O with its hydrogens added
    zs = {float(line[46:54]) for line in atoms}
    assert len(zs) > 1  # embedded in 3D, not flat
    with pytest.raises(ValueError, match="could not parse the SMILES string 'C1CC'"):
        Molecule.from_smiles("C1CC")


def test_lists_become_wandbs_batched_shapes(tmp_path: Path) -> None:
    clouds = [Object3D(np.zeros((2, 3)) + i, caption=f"c{i}") for i in range(2)]
    value, files = bind_value(to_loggable(clouds), tmp_path, "clouds", 0)
    assert value["_type"] == "object3D" and value["count"] == 2 and value["captions"] == ["c0", "c1"]
    assert value["filenames"] == files and all(f.startswith("media/object3D/") for f in files)
    mols = [Molecule(io.StringIO(WATER_PDB), file_type="pdb")]
    value, files = bind_value(to_loggable(mols), tmp_path, "mols", 0)
    assert value == {"_type": "molecule", "count": 1, "filenames": files}


def test_tables_hold_3d_cells_and_read_them_back(tmp_path: Path) -> None:
    table = Table(columns=["id", "cloud", "mol"])
    table.add_data(1, Object3D(np.ones((3, 3))), Molecule(io.StringIO(WATER_PDB), file_type="pdb"))
    ref = table.bind(tmp_path, "samples", 0)
    data = json.loads((tmp_path / ref.json["path"]).read_text())
    cloud, mol = data["data"][0][1], data["data"][0][2]
    assert cloud["_type"] == "object3D-file" and mol["_type"] == "molecule-file"
    assert set(ref.files) >= {ref.json["path"], cloud["path"], mol["path"]}
    back = media_from_json(cloud, tmp_path)
    assert isinstance(back, Object3D)
    assert json.loads(back._encode()[0]) == [[1.0, 1.0, 1.0]] * 3
    assert isinstance(media_from_json(mol, tmp_path), Molecule)
