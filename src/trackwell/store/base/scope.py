"""Which projects a caller may read, in a form stores apply in SQL (``service.access`` decides it).

Here, not in ``service.access``, because stores never import services: the policy builds a
:class:`ProjectScope` from the caller's roles, and list and query methods take it as a parameter so a
filter never reveals runs of a project the caller cannot see (docs/adr/0003).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProjectScope:
    """Every project (``everything``), else the projects of ``entities``, the named ``projects``
    ((entity, project) pairs: what a report's public link reads) and, unless ``public`` is False
    (the anonymous holder of a link), every public one."""

    everything: bool
    entities: frozenset[str]
    projects: frozenset[tuple[str, str]] = frozenset()
    public: bool = True


# What a server admin (and the local user) sees; also the default of store methods that take a scope,
# for callers that have already authorized the one project they name.
EVERY_PROJECT = ProjectScope(everything=True, entities=frozenset())
