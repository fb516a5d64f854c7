"""``trackwell.Molecule``: a molecule file drawn by the UI's molecule viewer (3Dmol.js).

As in wandb 0.31: JSON ``_type: "molecule-file"``, files under ``media/molecule/``, from a file
path or a file object with ``file_type=`` (one of :data:`SUPPORTED_TYPES`), or built with RDKit
(:meth:`Molecule.from_rdkit`, :meth:`Molecule.from_smiles`), which writes PDB. RDKit is optional:
without it those two raise an ImportError that names the package to install.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

from trackwell.data_types.base import Media, check_size, optional_caption, read_file_bytes

SUPPORTED_TYPES = frozenset({"pdb", "pqr", "mmcif", "mcif", "cif", "sdf", "sd", "gro", "mol2", "mmtf"})
SUPPORTED_RDKIT_TYPES = frozenset({"mol", "sdf"})


def _rdkit() -> tuple[Any, Any]:
    try:
        from rdkit import Chem
        from rdkit.Chem import AllChem
    except ImportError:
        raise ImportError(
            "trackwell.Molecule.from_rdkit and from_smiles need RDKit: pip install rdkit "
            "(or log a .pdb/.sdf file with trackwell.Molecule(path))"
        ) from None
    return Chem, AllChem


class Molecule(Media):
    """A molecule logged to a run (wandb's ``Molecule``)."""

    _type = "molecule-file"
    SUBDIR = "molecule"
    SUPPORTED_TYPES: ClassVar[frozenset[str]] = SUPPORTED_TYPES
    SUPPORTED_RDKIT_TYPES: ClassVar[frozenset[str]] = SUPPORTED_RDKIT_TYPES

    def __init__(self, data_or_path: Any, caption: str | None = None, **kwargs: Any) -> None:
        self.caption = optional_caption("Molecule", caption)
        file_type = kwargs.pop("file_type", None)
        if kwargs:
            raise TypeError(f"Molecule() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
        name = getattr(data_or_path, "name", None)
        if not isinstance(data_or_path, str | Path) and isinstance(name, str) and Path(name).is_file():
            data_or_path = name  # an open file: copy it from its path, as wandb does
        if hasattr(data_or_path, "read"):
            problem = (
                "pass file_type= with a file object" if file_type is None else f"file_type={file_type!r}"
            )
            self.extension = _file_type(file_type, problem)
            if hasattr(data_or_path, "seek"):
                data_or_path.seek(0)
            data = data_or_path.read()
            self._file = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            check_size("Molecule", len(self._file))
        elif isinstance(data_or_path, str | Path):
            path = Path(data_or_path)
            self.extension = _file_type(path.suffix, f"{str(path)!r} is not a supported molecule file")
            self._file = read_file_bytes("Molecule", path)
        else:
            raise TypeError(
                f"Molecule: cannot make a molecule from {type(data_or_path).__name__}; pass a file path, "
                "a file object with file_type=, or use Molecule.from_rdkit / Molecule.from_smiles"
            )

    @classmethod
    def from_rdkit(
        cls,
        data_or_path: Any,
        caption: str | None = None,
        convert_to_3d_and_optimize: bool = True,
        mmff_optimize_molecule_max_iterations: int = 200,
    ) -> Molecule:
        """An RDKit ``Mol`` (or a ``.mol``/``.sdf`` file read by RDKit), written as PDB.

        ``convert_to_3d_and_optimize`` adds hydrogens, embeds 3D coordinates and relaxes them with
        the MMFF force field (``mmff_optimize_molecule_max_iterations`` steps), as wandb does.
        """
        chem, all_chem = _rdkit()
        if isinstance(data_or_path, str | Path):
            path = Path(data_or_path)
            extension = path.suffix.lower().lstrip(".")
            if extension not in SUPPORTED_RDKIT_TYPES:
                raise ValueError(
                    f"Molecule.from_rdkit: {str(path)!r} must be a .mol or .sdf file, or pass an rdkit Mol"
                )
            if extension == "sdf":
                with chem.SDMolSupplier(str(path)) as supplier:
                    molecule = next(iter(supplier), None)  # the first molecule, as wandb
            else:
                molecule = chem.MolFromMolFile(str(path))
            if molecule is None:
                raise ValueError(f"Molecule.from_rdkit: RDKit could not read a molecule from {str(path)!r}")
        elif isinstance(data_or_path, chem.rdchem.Mol):
            molecule = data_or_path
        else:
            raise TypeError(
                "Molecule.from_rdkit: expected an rdkit.Chem.Mol or a .mol/.sdf path, "
                f"got {type(data_or_path).__name__}"
            )
        if convert_to_3d_and_optimize:
            molecule = chem.AddHs(molecule)
            all_chem.EmbedMolecule(molecule)
            all_chem.MMFFOptimizeMolecule(molecule, maxIters=mmff_optimize_molecule_max_iterations)
        pdb_block = chem.rdmolfiles.MolToPDBBlock(molecule)
        return cls(io.StringIO(pdb_block), caption=caption, file_type="pdb")

    @classmethod
    def from_smiles(
        cls,
        data: str,
        caption: str | None = None,
        sanitize: bool = True,
        convert_to_3d_and_optimize: bool = True,
        mmff_optimize_molecule_max_iterations: int = 200,
    ) -> Molecule:
        """A molecule from a SMILES string (e.g. ``"CCO"``), through RDKit (see :meth:`from_rdkit`)."""
        chem, _ = _rdkit()
        molecule = chem.MolFromSmiles(data, sanitize=sanitize)
        if molecule is None:
            raise ValueError(f"Molecule.from_smiles: RDKit could not parse the SMILES string {data!r}")
        return cls.from_rdkit(
            molecule,
            caption=caption,
            convert_to_3d_and_optimize=convert_to_3d_and_optimize,
            mmff_optimize_molecule_max_iterations=mmff_optimize_molecule_max_iterations,
        )

    def _encode(self) -> tuple[bytes, str]:
        return self._file, "." + self.extension

    def __repr__(self) -> str:
        caption = f" caption={self.caption!r}" if self.caption is not None else ""
        return f"<Molecule .{self.extension}{caption}>"


def _file_type(raw: Any, problem: str) -> str:
    extension = str(raw or "").lower().lstrip(".")
    if extension not in SUPPORTED_TYPES:
        raise ValueError(
            f"Molecule: {problem}; use one of {', '.join('.' + t for t in sorted(SUPPORTED_TYPES))}"
        )
    return extension
