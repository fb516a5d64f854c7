"""Public read-only links of a report (docs/reports.md, "Sharing"): make one (its token is in this
answer only), list them (never the token), revoke one; and the report a presented link opens (the
public page knows only its token). Writers of the project manage links; who holds a link is
authorized in ``server.deps`` / ``service.access``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from trackwell.schema.errors import NotFound
from trackwell.schema.report_links import LINK_HEADER, ReportLinkCreated, ReportLinkList
from trackwell.schema.reports import ReportOut
from trackwell.server.deps import (
    WRITES_PROJECT,
    CurrentPrincipal,
    CurrentUser,
    EntityPath,
    ProjectPath,
    ServicesDep,
)
from trackwell.server.responses import json_response
from trackwell.server.routes.reports import ReportIdPath

router = APIRouter(tags=["reports"])

LINKS = "/api/v1/reports/{entity}/{project}/{report_id}/links"
LINKED_REPORT = "/api/v1/report-link"
LinkId = Annotated[int, Path(ge=1, description="A link's id, from the links list.")]


@router.post(LINKS, response_model=ReportLinkCreated, status_code=201, dependencies=[WRITES_PROJECT])
def create_link(
    entity: EntityPath,
    project: ProjectPath,
    report_id: ReportIdPath,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """A new public read-only link. Its token is in this answer only: the server keeps its hash."""
    made = services.report_links.create(user, entity, project, report_id)
    return json_response(made, status_code=201)


@router.get(LINKS, response_model=ReportLinkList, dependencies=[WRITES_PROJECT])
def list_links(
    entity: EntityPath,
    project: ProjectPath,
    report_id: ReportIdPath,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """The report's links (who made each, when, when last used), the newest first; never a token."""
    return json_response(services.report_links.list_links(user, entity, project, report_id))


@router.delete(LINKS + "/{link_id}", status_code=204, dependencies=[WRITES_PROJECT])
def revoke_link(
    entity: EntityPath,
    project: ProjectPath,
    report_id: ReportIdPath,
    link_id: LinkId,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Revoke a link: it reads nothing from the next request on."""
    services.report_links.revoke(user, entity, project, report_id, link_id)
    return Response(status_code=204)


@router.get(LINKED_REPORT, response_model=ReportOut)
def linked_report(principal: CurrentPrincipal, services: ServicesDep) -> Response:
    """The report the presented link (``X-Trackwell-Report-Link``) opens, as of its current version."""
    grant = principal.user.link
    if grant is None:
        raise NotFound(
            "this request presents no report link",
            field="link",
            hint=f"send the link's token in the {LINK_HEADER} header",
        )
    report = services.reports.get(principal.user, grant.entity, grant.project, grant.report_id)
    return json_response(report)
