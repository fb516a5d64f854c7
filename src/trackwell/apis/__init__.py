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

__all__ = [
    "Api",
    "ArtifactCollection",
    "ArtifactCollections",
    "ArtifactType",
    "ArtifactTypes",
    "Artifacts",
    "File",
    "FileAlreadyExistsError",
    "Project",
    "Run",
    "RunArtifacts",
    "Runs",
    "Summary",
    "UnsafeDownloadError",
]
