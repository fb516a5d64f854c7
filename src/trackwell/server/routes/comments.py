"""Comments on a report or a run, with mentions, and the caller's mention inbox (issue 16).

Readers of the project list comments; writers (members, admins) comment, reply, and edit or delete
their own; admins of the entity delete any. The rules are in ``service/comments.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from trackwell.schema.comments import (
    MAX_ID,
    CommentCreate,
    CommentEdit,
    CommentList,
    CommentSaved,
    MentionableUsers,
    NotificationList,
    NotificationsRead,
)
from trackwell.schema.reports import REPORT_ID_PATTERN
from trackwell.server.deps import (
    READS_PROJECT,
    WRITES_PROJECT,
    CurrentPrincipal,
    CurrentUser,
    EntityPath,
    ProjectPath,
    RunIdPath,
    ServicesDep,
)
from trackwell.server.responses import json_response
from trackwell.store.base.comments import CommentTarget

router = APIRouter(prefix="/api/v1", tags=["comments"])

ReportIdPath = Annotated[str, Path(pattern=REPORT_ID_PATTERN, description="The report's id.")]
CommentIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The comment's id.")]
ON_REPORT = "/comments/{entity}/{project}/reports/{report_id}"
ON_RUN = "/comments/{entity}/{project}/runs/{run_id}"
ONE = "/comments/{entity}/{project}/{comment_id}"


@router.get(ON_REPORT, response_model=CommentList, dependencies=[READS_PROJECT])
def list_report_comments(
    entity: EntityPath,
    project: ProjectPath,
    report_id: ReportIdPath,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """The report's comments, oldest first (replies carry their thread's id)."""
    target = CommentTarget(entity, project, "report", report_id)
    return json_response(services.comments.list_comments(user, target))


@router.post(ON_REPORT, response_model=CommentSaved, status_code=201, dependencies=[WRITES_PROJECT])
def comment_on_report(
    entity: EntityPath,
    project: ProjectPath,
    report_id: ReportIdPath,
    body: CommentCreate,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """A comment or reply; ``@username`` notifies that user if they may read the project."""
    target = CommentTarget(entity, project, "report", report_id)
    return json_response(services.comments.create(user, target, body), status_code=201)


@router.get(ON_RUN, response_model=CommentList, dependencies=[READS_PROJECT])
def list_run_comments(
    entity: EntityPath, project: ProjectPath, run_id: RunIdPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """The run's comments, oldest first (replies carry their thread's id)."""
    return json_response(services.comments.list_comments(user, CommentTarget(entity, project, "run", run_id)))


@router.post(ON_RUN, response_model=CommentSaved, status_code=201, dependencies=[WRITES_PROJECT])
def comment_on_run(
    entity: EntityPath,
    project: ProjectPath,
    run_id: RunIdPath,
    body: CommentCreate,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """A comment or reply; ``@username`` notifies that user if they may read the project."""
    target = CommentTarget(entity, project, "run", run_id)
    return json_response(services.comments.create(user, target, body), status_code=201)


@router.patch(ONE, response_model=CommentSaved, dependencies=[WRITES_PROJECT])
def edit_comment(
    entity: EntityPath,
    project: ProjectPath,
    comment_id: CommentIdPath,
    body: CommentEdit,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Change your comment's text; names newly mentioned are notified."""
    return json_response(services.comments.edit(user, entity, project, comment_id, body))


@router.delete(ONE, status_code=204, dependencies=[WRITES_PROJECT])
def delete_comment(
    entity: EntityPath,
    project: ProjectPath,
    comment_id: CommentIdPath,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Delete a comment and its replies (its author, or an admin of the entity)."""
    services.comments.delete(user, entity, project, comment_id)
    return Response(status_code=204)


@router.get(
    "/comments/{entity}/{project}/mentionable", response_model=MentionableUsers, dependencies=[READS_PROJECT]
)
def mentionable_users(
    entity: EntityPath,
    project: ProjectPath,
    services: ServicesDep,
    prefix: Annotated[str, Query(max_length=64, description="Usernames or names starting so.")] = "",
) -> Response:
    """Who an ``@`` may name here: the members of the project's team who may read it."""
    return json_response(services.comments.mentions.mentionable(entity, project, prefix))


@router.get("/me/notifications", response_model=NotificationList)
def my_notifications(
    principal: CurrentPrincipal,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=0, le=500)] = 100,
) -> Response:
    """Your mentions, unread first, each with a link to the comment; ``unread`` counts them."""
    return json_response(services.comments.mentions.inbox(principal.user, limit))


@router.post("/me/notifications/read", status_code=204)
def mark_notifications_read(
    body: NotificationsRead, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    """Mark the given notifications (or all, without ``ids``) read."""
    services.comments.mentions.mark_read(principal.user, body.ids)
    return Response(status_code=204)
