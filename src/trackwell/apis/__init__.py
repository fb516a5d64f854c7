"""The public query API (Api, runs, history, files) over HTTP.

Imports schema and the SDK's settings and transport; the SDK never imports this package (an
import-linter contract), so the two cannot import each other in a circle.
"""

from trackwell.apis.api import Api, Project, Runs
from trackwell.apis.artifacts import (
    ArtifactCollection,
    ArtifactCollections,
    Artifacts,
    ArtifactType,
    ArtifactTypes,
)
from trackwell.apis.downloads import UnsafeDownloadError
from trackwell.apis.run import File, FileAlreadyExistsError, Run, RunArtifacts, Summary
from trackwell.apis.teams import Member, Team
from trackwell.apis.users import ApiKey, User

__all__ = [
    "Api",
    "ApiKey",
    "ArtifactCollection",
    "ArtifactCollections",
    "ArtifactType",
    "ArtifactTypes",
    "Artifacts",
    "File",
    "FileAlreadyExistsError",
    "Member",
    "Project",
    "Run",
    "RunArtifacts",
    "Runs",
    "Summary",
    "Team",
    "UnsafeDownloadError",
    "User",
]
