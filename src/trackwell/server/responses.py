"""NaN-safe JSON answers.

Browsers' ``JSON.parse`` has no NaN, so answers carry non-finite floats as the strings ``"NaN"``,
``"Infinity"`` and ``"-Infinity"`` (schema ``NonFinite``) wherever they occur: history series,
summaries, configs. Routes return ``json_response(model)`` rather than building dicts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response


def finite_json(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its ``NonFinite`` string."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    return value


def json_response(
    model: BaseModel,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    wire_safe: bool = False,
) -> Response:
    """``wire_safe``: the model carries no non-finite float (history series are built with their
    NaN/Infinity already as strings), so the walk over every value is skipped: it was 100 ms of a
    1,000-run chart answer, and more than the read itself for a million-point export."""
    if wire_safe:
        content = model.model_dump_json().encode()
    else:
        content = orjson.dumps(finite_json(model.model_dump(mode="python")), default=str)
    return Response(content, status_code=status_code, headers=headers, media_type="application/json")
