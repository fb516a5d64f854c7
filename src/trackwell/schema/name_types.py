"""Pydantic types for names, built on the one rule in :mod:`trackwell.schema.names`.

Used by the wire models and by the server's path parameters (FastAPI validates ``{entity}``,
``{project}`` and ``{run_id}`` with them after percent-decoding), so a name the SDK accepts is a
name the server accepts.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from trackwell.schema.names import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_TAG_LENGTH,
    name_problem,
    run_id_problem,
)


def _identifier(value: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _run_id(value: str) -> str:
    problem = run_id_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _label(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        problem = name_problem(value, max_length=max_length, identifier=False)
        if problem is not None:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


EntityName = Annotated[str, AfterValidator(_identifier)]
ProjectName = Annotated[str, AfterValidator(_identifier)]
RunId = Annotated[str, AfterValidator(_run_id)]
Label = Annotated[str, _label(MAX_LABEL_LENGTH)]
Tag = Annotated[str, _label(MAX_TAG_LENGTH)]
DisplayName = Annotated[str, _label(MAX_DISPLAY_NAME_LENGTH)]
