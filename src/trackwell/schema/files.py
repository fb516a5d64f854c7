"""Run files: config, metadata, console output, media and user files."""

from __future__ import annotations

from trackwell.schema.base import WireModel


class RunFile(WireModel):
    path: str
    size: int
    sha256: str
    updated_at: float
    url: str


class RunFileList(WireModel):
    files: list[RunFile]
