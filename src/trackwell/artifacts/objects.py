"""``artifact.add(obj, name)`` and ``artifact.get(name)``: media and tables stored in an artifact.

As in wandb, ``add(table, "results")`` stores the JSON of the object as ``results.table.json``
(``<name>.<type>.json``; an Image gives ``<name>.image-file.json``) and the files it refers to
(a table's image cells, an image's PNG) inside the artifact, under ``media/``, at the paths the
JSON names. ``get("results")`` finds the entry with or without the suffix, reads the JSON and
the files beside it, and rebuilds the object (a ``Table`` with its columns, types and rows, media
cells as media objects).

The files are written by the data types' own ``bind`` (the code ``run.log`` uses), into the
artifact's private folder, so the JSON shapes are the ones the rest of Trackwell reads.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact
    from trackwell.artifacts.entries import ArtifactManifestEntry
    from trackwell.artifacts.manifest import ArtifactManifest

# Suffix of each loggable type in an artifact (wandb's ``_log_type``): tables are "table", the
# others their history ``_type``.
SUFFIXES = (
    "table",
    "image-file",
    "audio-file",
    "video-file",
    "html-file",
    "object3D-file",
    "molecule-file",
    "plotly-file",
    "histogram",
)


def object_entry(manifest: ArtifactManifest, name: str) -> ArtifactManifestEntry | None:
    """The entry of an object added as ``name`` (its name plus a type suffix), or None."""
    for suffix in SUFFIXES:
        entry = manifest.entries.get(with_suffix(name, suffix))
        if entry is not None:
            return entry
    return None


def suffix_of(obj: Any) -> str:
    from trackwell.data_types.base import Media
    from trackwell.data_types.table import Table

    if isinstance(obj, Table):
        return "table"
    if not isinstance(obj, Media):
        raise TypeError(
            f"artifact.add() takes a trackwell data type (Table, Image, Audio, Video, Html, Object3D, "
            f"Molecule, Plotly, Histogram), got {type(obj).__name__}; add files with add_file()"
        )
    return str(obj._type)


def with_suffix(name: str, suffix: str) -> str:
    ending = f".{suffix}.json"
    return name if name.endswith(ending) else name + ending


def write_object(obj: Any, name: str, folder: Path) -> tuple[Path, list[str]]:
    """Write ``obj``'s JSON to ``folder/name`` and its files under ``folder/media/``.

    Returns the JSON file and the relative paths of the other files (their entry names).
    """
    from trackwell.data_types.table import Table

    key = posixpath.basename(name).split(".", 1)[0] or "object"
    if isinstance(obj, Table):
        doc, files = obj.to_json_doc(folder, key, 0)
        doc.update({"ncols": obj.ncols, "nrows": obj.nrows, "log_mode": obj.log_mode})
    else:
        ref = obj.bind(folder, key, 0)
        doc, files = ref.json, list(ref.files)
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc, sort_keys=True), encoding="utf-8")
    return target, sorted(set(files))


def read_object(doc: dict[str, Any], files_root: Path) -> Any:
    """The object a JSON document describes, its files read from under ``files_root``."""
    from trackwell.data_types.media_json import media_from_json
    from trackwell.data_types.table import Table

    if doc.get("_type") == "table" or ("columns" in doc and "data" in doc):
        return Table.from_json(doc, files_root)
    return media_from_json(doc, files_root)


def referenced_paths(doc: Any) -> set[str]:
    """Every file path a document refers to (``{"_type": ..., "path": ...}`` anywhere inside)."""
    return set(_walk_paths(doc))


def _walk_paths(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "_type" in value and isinstance(value.get("path"), str):
            yield value["path"]
        for item in value.values():
            if isinstance(item, dict | list):
                yield from _walk_paths(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                yield from _walk_paths(item)


def gather(files: dict[str, str], folder: Path) -> Path:
    """A folder holding ``files`` (entry path -> local file) at their entry paths: ``folder`` itself
    when they are already there (objects added to this artifact), else copies made in it."""
    if all(Path(local) == folder / path for path, local in files.items()):
        return folder
    view = Path(tempfile.mkdtemp(prefix=".get-", dir=folder))
    for path, local in files.items():
        dest = view / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local, dest)
    return view


def add_object(artifact: Artifact, obj: Any, name: str, overwrite: bool) -> ArtifactManifestEntry:
    """``artifact.add``: the JSON entry (and the media files it names) in the artifact's folder."""
    from trackwell.artifacts.building import add_owned_file
    from trackwell.artifacts.validation import entry_name

    if id(obj) in artifact._added_objs:
        return artifact._added_objs[id(obj)][1]
    path = with_suffix(entry_name(name), suffix_of(obj))
    existing = artifact.manifest.get_entry_by_path(path)
    if existing is not None and not overwrite:
        return existing
    folder = artifact._tmp_dir()
    target, files = write_object(obj, path, folder)
    for relative in files:
        add_owned_file(artifact, folder / relative, relative, overwrite=True)
    entry = add_owned_file(artifact, target, path, overwrite=True)
    artifact._added_objs[id(obj)] = (obj, entry)  # keeps obj alive, so its id is not reused
    return entry


def get_object(artifact: Artifact, name: str) -> Any:
    """``artifact.get``: a draft reads its own files; a logged artifact downloads the JSON and the
    files it names (through the cache) and reads them there."""
    entry = artifact.manifest.entries.get(name) or artifact._object_entry(name)
    if entry is None:
        return None
    entry._parent_artifact = artifact
    if entry.local_path is not None:
        doc = json.loads(Path(entry.local_path).read_text(encoding="utf-8"))
        files = {}
        for path in referenced_paths(doc):
            found = artifact.manifest.entries.get(path)
            if found is None or found.local_path is None:
                raise KeyError(f"artifact {artifact.name!r}: {entry.path!r} refers to {path!r}, not in it")
            files[path] = found.local_path
        return read_object(doc, gather(files, artifact._tmp_dir()))
    local = Path(entry.download())
    root = local.parents[len(Path(entry.path).parts) - 1]
    doc = json.loads(local.read_text(encoding="utf-8"))
    for path in referenced_paths(doc):
        artifact.get_entry(path).download(root=str(root))
    return read_object(doc, root)
