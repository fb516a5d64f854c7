"""The JSON body of every error answer: ``{"error": {"code", "message", "field", "hint"}}``.

Apart from ``schema/errors.py`` (the exceptions) so that raising an error never imports pydantic.
"""

from __future__ import annotations

from trackwell.schema.base import WireModel


class ErrorDetail(WireModel):
    code: str
    message: str
    field: str | None = None
    hint: str | None = None
    expected_seq: int | None = None
    problems: list[str] | None = None  # SweepConfigInvalid: every problem of the config, by its path


class ErrorBody(WireModel):
    error: ErrorDetail
