"""The messages of a run's own write path (start, upload, files) as plain dataclasses.

The wire contract is defined once, by the pydantic models in ``trackwell.schema``: the server
validates every body against them and the OpenAPI spec (and the web UI's client) comes from them.
The SDK builds and reads the few messages of a training run's write path without pydantic because
they sit on ``init()``'s path, whose whole budget (50 ms) is less than importing pydantic (~100-200
ms), and on the uploader thread, where building models would take the GIL from the training loop.

Each class names the model it mirrors; ``tests/unit/test_sdk_wire.py`` fails when a field is added,
removed or renamed on one side only, and round-trips every message through its model.
Readers (``Api``, the CLI) use the pydantic models directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

_T = TypeVar("_T")


def _known_fields(cls: type[_T], data: dict[str, Any]) -> _T:
    """``cls`` from a JSON object, ignoring keys it does not mirror (the server may add fields)."""
    return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})  # type: ignore[arg-type]


@dataclass(frozen=True)
class RunStart:
    """Body of ``PUT /api/v1/runs/{entity}/{project}/{run_id}``; mirrors ``schema.runs.RunUpsert``."""

    session_id: str
    resume: str = "never"
    display_name: str | None = None
    group: str | None = None
    job_type: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    config: dict[str, Any] | None = None
    host: str | None = None
    program: str | None = None
    sweep_id: str | None = None
    started_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON body, unset (None) fields left out."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":")).encode()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunStart:
        return _known_fields(cls, data)


@dataclass(frozen=True)
class StartedRun:
    """What ``init()`` needs from the upsert answer; a subset of ``schema.runs.RunOut``."""

    id: str
    entity: str
    project: str
    display_name: str
    state: str
    group: str | None = None
    job_type: str | None = None
    notes: str | None = None
    resumed: bool = False
    last_step: int | None = None
    runtime: float = 0.0
    next_seq: int = 0
    tags: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StartedRun:
        return _known_fields(cls, data)


@dataclass(frozen=True)
class RecordsAck:
    """Answer of ``POST .../records``; mirrors ``schema.records.BatchAck``."""

    session_id: str
    applied_through: int
    stop_requested: bool = False
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordsAck:
        return _known_fields(cls, data)


@dataclass(frozen=True)
class StoredFile:
    """Answer of ``PUT .../files/{path}``; mirrors ``schema.files.RunFile``."""

    path: str
    size: int
    sha256: str
    updated_at: float
    url: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredFile:
        return _known_fields(cls, data)


@dataclass(frozen=True)
class OutputLine:
    """One console line of an ``output`` record; mirrors ``schema.records.OutputLine``."""

    line: int
    stream: str
    timestamp: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "stream": self.stream, "timestamp": self.timestamp, "text": self.text}
