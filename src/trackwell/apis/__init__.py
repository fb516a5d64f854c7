"""The public query API (Api, runs, history, files) over HTTP.

Imports schema and the SDK's settings and transport.
"""

from trackwell.apis.api import Api, Project, Runs
from trackwell.apis.run import File, FileAlreadyExistsError, Run, Summary

__all__ = ["Api", "File", "FileAlreadyExistsError", "Project", "Run", "Runs", "Summary"]
