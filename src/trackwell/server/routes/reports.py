"""Reports of a project (issue 16): list and search, create, read (newest or a version), save a new
version, versions, diff, restore, delete. Readers of the project read; writers save."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from trackwell.schema.reports import (
    REPORT_ID_PATTERN,
    ReportCreate,
    ReportDiff,
    ReportList,
    ReportOut,
    ReportSave,
    ReportVersionList,
)
from trackwell.server.deps import (
    READS_PROJECT,
    READS_REPORT,
    WRITES_PROJECT,
    CurrentUser,
    EntityPath,
    ProjectPath,
    ServicesDep,
)
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

Entity = EntityPath
Project = ProjectPath
ReportIdPath = Annotated[
    str, Path(pattern=REPORT_ID_PATTERN, description="The report's id, e.g. 'k3j9x2ab0q'.")
]
Version = Annotated[int, Path(ge=1, description="A version number, from 1.")]
PROJECT = "/{entity}/{project}"
REPORT = "/{entity}/{project}/{report_id}"


@router.get(PROJECT, response_model=ReportList, dependencies=[READS_PROJECT])
def list_reports(
    entity: Entity,
    project: Project,
    user: CurrentUser,
    services: ServicesDep,
    search: Annotated[str | None, Query(max_length=200, description="Titles containing this.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """The project's reports, the most recently saved first."""
    return json_response(services.reports.list_reports(user, entity, project, search, limit))


@router.post(PROJECT, response_model=ReportOut, status_code=201, dependencies=[WRITES_PROJECT])
def create_report(
    entity: Entity, project: Project, body: ReportCreate, user: CurrentUser, services: ServicesDep
) -> Response:
    """A new report, owned by you, as version 1."""
    return json_response(services.reports.create(user, entity, project, body), status_code=201)


@router.get(REPORT, response_model=ReportOut, dependencies=[READS_REPORT])
def get_report(
    entity: Entity,
    project: Project,
    report_id: ReportIdPath,
    user: CurrentUser,
    services: ServicesDep,
    version: Annotated[int | None, Query(ge=1, description="A version; absent: the newest.")] = None,
) -> Response:
    """The report as of its newest version, or of ``version``."""
    return json_response(services.reports.get(user, entity, project, report_id, version))


@router.put(REPORT, response_model=ReportOut, dependencies=[WRITES_PROJECT])
def save_report(
    entity: Entity,
    project: Project,
    report_id: ReportIdPath,
    body: ReportSave,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Save a new version edited from ``base_version`` (409 naming the newest when it is stale)."""
    return json_response(services.reports.save(user, entity, project, report_id, body))


@router.delete(REPORT, status_code=204, dependencies=[WRITES_PROJECT])
def delete_report(
    entity: Entity, project: Project, report_id: ReportIdPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """Delete the report and every version (its owner or an admin)."""
    services.reports.delete(user, entity, project, report_id)
    return Response(status_code=204)


@router.get(REPORT + "/versions", response_model=ReportVersionList, dependencies=[READS_PROJECT])
def list_versions(
    entity: Entity, project: Project, report_id: ReportIdPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """Every saved version, newest first."""
    return json_response(services.reports.versions(user, entity, project, report_id))


@router.get(REPORT + "/diff", response_model=ReportDiff, dependencies=[READS_PROJECT])
def diff_versions(
    entity: Entity,
    project: Project,
    report_id: ReportIdPath,
    user: CurrentUser,
    services: ServicesDep,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> Response:
    """The blocks added, removed and changed from version ``from`` to version ``to``."""
    return json_response(services.reports.diff(user, entity, project, report_id, from_version, to_version))


@router.post(REPORT + "/versions/{version}/restore", response_model=ReportOut, dependencies=[WRITES_PROJECT])
def restore_version(
    entity: Entity,
    project: Project,
    report_id: ReportIdPath,
    version: Version,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Save version ``version``'s document as the newest version."""
    return json_response(services.reports.restore(user, entity, project, report_id, version))
