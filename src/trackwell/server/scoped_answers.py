"""Answers that name things in other projects, cut to what the caller may read.

An artifact's lineage, its users and a run's used artifacts may reach into projects the caller
cannot see; the route that answers them was authorized for its own project only, so what it found
elsewhere is filtered here by the same rule (``service.access``) before it is answered. Things
addressed by an id rather than a path (a version by id, a link's target) are authorized here too.
"""

from __future__ import annotations

from collections.abc import Iterable

from trackwell.schema.artifacts import (
    ArtifactUsedBy,
    ArtifactVersionList,
    ArtifactVersionOut,
    LineageGraph,
)
from trackwell.server.deps import authorize_project
from trackwell.server.services import Services
from trackwell.service.access import Action, ProjectRef, authorize, may
from trackwell.service.artifacts_lineage import node_project, readable_lineage
from trackwell.store.base import Principal


def readable(
    services: Services, principal: Principal, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which of the (entity, project) pairs the caller may read: one visibility lookup per project."""
    wanted = set(pairs)
    if principal.user.is_admin and not principal.user.disabled:
        return wanted
    with services.db.read() as conn:
        refs = {(e, p): ProjectRef(e, p, services.db.users.project_visibility(conn, e, p)) for e, p in wanted}
    return {pair for pair, ref in refs.items() if may(principal, Action.PROJECT_READ, ref)}


def used_by(services: Services, principal: Principal, answer: ArtifactUsedBy) -> ArtifactUsedBy:
    ok = readable(services, principal, ((r.entity, r.project) for r in answer.runs))
    return ArtifactUsedBy(runs=[r for r in answer.runs if (r.entity, r.project) in ok])


def versions(services: Services, principal: Principal, answer: ArtifactVersionList) -> ArtifactVersionList:
    ok = readable(services, principal, ((v.entity, v.project) for v in answer.versions))
    kept = [v for v in answer.versions if (v.entity, v.project) in ok]
    return ArtifactVersionList(versions=kept, total=answer.total - (len(answer.versions) - len(kept)))


def lineage(services: Services, principal: Principal, graph: LineageGraph) -> LineageGraph:
    """The graph without nodes in unreadable projects, nor the edges that touch them."""
    ok = readable(services, principal, (p for n in graph.nodes if (p := node_project(n)) is not None))
    return readable_lineage(graph, lambda entity, project: (entity, project) in ok)


def version_by_id(services: Services, principal: Principal, version_id: str) -> ArtifactVersionOut:
    """The version, when the caller may read its project; else the same ``NotFound`` as an id that
    does not exist (``authorize`` answers an unreadable project as not found)."""
    found = services.artifacts.by_id(version_id)
    if not (principal.user.is_admin and not principal.user.disabled):
        with services.db.read() as conn:
            visibility = services.db.users.project_visibility(conn, found.entity, found.project)
        authorize(principal, Action.PROJECT_READ, ProjectRef(found.entity, found.project, visibility))
    return found


def authorize_link_target(services: Services, principal: Principal, entity: str, project: str) -> None:
    """Linking a version into a portfolio writes to the target's project (which may be another)."""
    authorize_project(services, principal, entity, project, Action.PROJECT_WRITE)
