"""Run files: config, metadata, console output, media and user files."""

from __future__ import annotations

from pydantic import BaseModel


class RunFile(BaseModel):
    path: str
    size: int
    sha256: str
    updated_at: float
    url: str


class RunFileList(BaseModel):
    files: list[RunFile]
