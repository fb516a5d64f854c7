"""A :class:`~trackwell.store.base.scope.ProjectScope` as a SQL condition over ``projects`` joined with
``entities``: the one translation every list and query uses, so a filter never reaches a project the
caller cannot read."""

from __future__ import annotations

import sqlalchemy as sa

from trackwell.store.base.scope import ProjectScope
from trackwell.store.sql.tables import entities, projects


def visible(scope: ProjectScope) -> sa.ColumnElement[bool]:
    """True for the rows of projects within ``scope`` (the query must join ``projects`` and
    ``entities``): those of the caller's entities, and public ones."""
    if scope.everything:
        return sa.true()
    allowed: list[sa.ColumnElement[bool]] = []
    if scope.public:
        allowed.append(projects.c.visibility == "public")
    if scope.entities:
        allowed.append(entities.c.name.in_(sorted(scope.entities)))
    allowed += [sa.and_(entities.c.name == e, projects.c.name == p) for e, p in sorted(scope.projects)]
    return sa.or_(*allowed) if allowed else sa.false()
