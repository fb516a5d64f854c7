"""The seam between a user's media value and the SDK's background thread.

A :class:`Media` is built on the caller's thread inside ``run.log``: its constructor only validates
and copies the input (the user may mutate or reuse their array right after the call), so logging
stays cheap. The SDK's processor thread later calls :meth:`Media.bind`, which encodes the value,
writes the file(s) under ``<files_dir>/media/<subdir>/`` and returns a :class:`MediaRef`: the
wandb-shaped JSON that goes into history/summary plus the files written (relative to ``files_dir``)
that the uploader must send.

File names follow wandb: ``<key>_<step>_<sha256[:20]><ext>``. The hash makes them content-addressed,
so the same image logged twice is one file. Keys come from users and are made path-safe here: ``/``
makes sub-folders, and no key can climb out of ``files_dir`` (``..``, absolute paths, NUL bytes).

Heavy libraries (numpy, PIL, ...) are imported inside functions only: importing this package must
not slow down ``import trackwell``.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

# One media file may not exceed this many bytes (raw input at construction, encoded file at bind).
# Bigger payloads belong in artifacts or run.save(); refusing early keeps the run log and the
# upload queue from stalling on a single value.
MAX_MEDIA_BYTES = 200 * 1024 * 1024

_UNSAFE_CHARS = re.compile(r"[^\w.\-=+,@ ]")


@dataclass(frozen=True)
class MediaRef:
    """What :meth:`Media.bind` produced: the JSON for history/summary and the files to upload."""

    json: dict[str, Any]
    files: list[str] = field(default_factory=list)


def safe_key(key: str) -> str:
    """Turn a history key into a relative path that stays inside its folder.

    ``/`` separates sub-folders (as in wandb); empty, ``.`` and ``..`` segments are dropped or
    replaced, and characters that are unsafe in file names on common file systems become ``_``.
    """
    parts = []
    for raw in str(key).replace("\\", "/").split("/"):
        if raw in ("", "."):
            continue
        part = "_" * len(raw) if raw == ".." else _UNSAFE_CHARS.sub("_", raw)
        parts.append(part.strip() or "_")
    return "/".join(parts) or "_"


def media_file_name(key: str, step: int | str, digest: str, ext: str) -> str:
    """``<safe key>_<step>_<sha256[:20]><ext>``, possibly with sub-folders from ``/`` in the key."""
    return f"{safe_key(key)}_{safe_key(str(step))}_{digest[:20]}{ext}"


def check_size(kind: str, nbytes: int, what: str = "input") -> None:
    """Refuse a payload over :data:`MAX_MEDIA_BYTES` with an error that names the limit and the fix."""
    limit = MAX_MEDIA_BYTES
    if nbytes > limit:
        raise ValueError(
            f"{kind}: the {what} is {_human(nbytes)}, over the {_human(limit)} limit for "
            "one media file (trackwell.data_types.base.MAX_MEDIA_BYTES); downscale it, or store it "
            "with run.save() or an artifact instead"
        )


def _human(nbytes: int) -> str:
    return f"{nbytes / 2**20:.1f} MiB" if nbytes >= 2**20 else f"{nbytes:,} bytes"


def write_media_file(files_dir: Path, relative: str, payload: bytes) -> None:
    """Write ``payload`` to ``files_dir/relative`` atomically; an identical existing file is kept.

    Names are content-addressed, so an existing file already holds these bytes: skipping the write
    keeps repeated logging of the same image cheap and never leaves a half-written file behind.
    """
    root = files_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):  # defence in depth: safe_key should already prevent this
        raise ValueError(f"media path {relative!r} would be written outside the run's files directory")
    if target.exists() and target.stat().st_size == len(payload):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here, not at the top: ``import trackwell`` loads this module

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_hex(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


class Media:
    """Base of every loggable data type (wandb's ``WBValue``/``Media``).

    Subclasses set ``_type`` (wandb's JSON ``_type``), ``SUBDIR`` (under ``media/``) and implement
    :meth:`bind`. Most of them encode one payload to bytes; they implement :meth:`_encode` and
    :meth:`_json_fields` and inherit :meth:`bind`.
    """

    _type: ClassVar[str] = "media"
    SUBDIR: ClassVar[str] = "other"

    caption: str | None = None

    def bind(self, files_dir: Path, key: str, step: int | str) -> MediaRef:
        """Encode, write under ``files_dir/media/<SUBDIR>/`` and describe the result (SDK thread)."""
        payload, ext = self._encode()
        check_size(type(self).__name__, len(payload), "encoded file")
        return self._bind_payload(files_dir, key, step, payload, ext, self._json_fields())

    def _bind_payload(
        self,
        files_dir: Path,
        key: str,
        step: int | str,
        payload: bytes,
        ext: str,
        extra: dict[str, Any],
        subdir: str | None = None,
    ) -> MediaRef:
        digest = sha256_hex(payload)
        relative = f"media/{subdir or self.SUBDIR}/{media_file_name(key, step, digest, ext)}"
        write_media_file(files_dir, relative, payload)
        json: dict[str, Any] = {"_type": self._type, **extra}
        json.update({"path": relative, "sha256": digest, "size": len(payload)})
        if self.caption is not None:
            json["caption"] = self.caption
        return MediaRef(json=json, files=[relative])

    def _encode(self) -> tuple[bytes, str]:
        """The file's bytes and its extension (with the dot)."""
        raise NotImplementedError(f"{type(self).__name__} does not write a file")

    def _json_fields(self) -> dict[str, Any]:
        """Type-specific JSON fields besides ``_type``, ``path``, ``sha256``, ``size``, ``caption``."""
        return {}

    def __repr__(self) -> str:
        caption = f" caption={self.caption!r}" if self.caption is not None else ""
        return f"<{type(self).__name__}{caption}>"


# wandb's name for the base class; integrations test ``isinstance(v, wandb.sdk.data_types.WBValue)``.
WBValue = Media


def read_file_bytes(kind: str, path: str | os.PathLike[str]) -> bytes:
    """Read a user's media file now, so that later changes to the file do not change what is logged."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{kind}: {str(p)!r} is not a file; pass an existing file path or the data itself")
    check_size(kind, p.stat().st_size, f"file {str(p)!r}")
    return p.read_bytes()


def optional_caption(kind: str, caption: Any) -> str | None:
    if caption is None:
        return None
    if not isinstance(caption, str | int | float):
        raise TypeError(f"{kind}: caption must be a string, got {type(caption).__name__}")
    return str(caption)
