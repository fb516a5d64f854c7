"""One change applied to many runs of a project at once: ``POST /api/v1/runs/{entity}/{project}/bulk``.

All or nothing, in one transaction; re-applying a request is harmless (a tag already there, a run
already archived or already moved is left as it is and counted as unchanged).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from trackwell.schema.base import WireModel
from trackwell.schema.name_types import ProjectName, RunId, Tag

MAX_BULK_RUNS = 1000

BulkAction = Literal["add_tags", "remove_tags", "move", "archive", "unarchive", "delete"]


class BulkRunsRequest(WireModel):
    run_ids: list[RunId] = Field(
        min_length=1, max_length=MAX_BULK_RUNS, description=f"The runs to change (1 to {MAX_BULK_RUNS})."
    )
    action: BulkAction
    tags: list[Tag] | None = Field(default=None, description="add_tags, remove_tags: the tags.")
    to_project: ProjectName | None = Field(
        default=None, description="move: a project of the same entity (created when it does not exist)."
    )


class BulkRunsResult(WireModel):
    action: BulkAction
    changed: list[str] = Field(description="Run ids the request changed.")
    unchanged: list[str] = Field(description="Run ids already as asked (a repeated request changes nothing).")
