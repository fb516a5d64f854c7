"""Lineage: which runs logged and used a version, and the graph around it.

Edges are run -logged-> version and version -used-> run. The graph walks both ways from the start
version, one hop per edge, out to ``depth`` hops: downstream along what used it and what those runs
logged (dataset -> train run -> model -> eval run ...), upstream along the run that logged it and
what that run used. Each hop is one store call for its whole frontier. The graph stops growing at
``MAX_NODES`` nodes and says so (``truncated``).

A registry link has no lineage of its own: its source's graph is answered, and a run that used a
link is recorded as using the source (``artifacts_records``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trackwell.schema.artifacts import LineageEdge, LineageGraph, LineageNode, RunRef
from trackwell.service.artifacts_views import VersionViews
from trackwell.store.base import ArtifactStore, EdgeKind, StoredEdge, StoredVersion

if TYPE_CHECKING:
    from sqlalchemy import Connection

MAX_NODES = 500
MAX_DEPTH = 20


def run_node_id(ref: RunRef) -> str:
    return f"run:{ref.entity}/{ref.project}/{ref.run_id}"


@dataclass
class _Walk:
    versions: set[int]
    runs: set[int] = field(default_factory=set)
    edges: set[StoredEdge] = field(default_factory=set)
    truncated: bool = False

    def room(self) -> int:
        return MAX_NODES - len(self.versions) - len(self.runs)


def _walk(store: ArtifactStore, conn: Connection, start: int, depth: int) -> _Walk:
    walk = _Walk(versions={start})
    # The edge kind followed from versions and from runs: downstream, then upstream.
    directions: list[tuple[EdgeKind, EdgeKind]] = [("used", "logged"), ("logged", "used")]
    frontiers: dict[tuple[EdgeKind, EdgeKind], tuple[set[int], set[int]]] = {
        d: ({start}, set()) for d in directions
    }
    for _ in range(depth):
        for direction in directions:
            from_versions, from_runs = direction
            versions, runs = frontiers[direction]
            found = store.edges_of_versions(conn, versions, from_versions) if versions else []
            found += store.edges_of_runs(conn, runs, from_runs) if runs else []
            new_runs = sorted({e.run_pk for e in found} - walk.runs)
            new_versions = sorted({e.version_pk for e in found} - walk.versions)
            room = walk.room()
            if len(new_runs) + len(new_versions) > room:
                walk.truncated = True
                new_runs = new_runs[:room]
                new_versions = new_versions[: room - len(new_runs)]
            walk.runs.update(new_runs)
            walk.versions.update(new_versions)
            walk.edges.update(found)
            frontiers[direction] = (set(new_versions), set(new_runs))
        if walk.truncated or not any(v or r for v, r in frontiers.values()):
            break
    return walk


def lineage(
    store: ArtifactStore, views: VersionViews, conn: Connection, start: StoredVersion, depth: int
) -> LineageGraph:
    walk = _walk(store, conn, start.pk, depth)
    versions = store.get_versions(conn, walk.versions)
    ordered = sorted(versions.values(), key=lambda v: (v.created_at, v.pk))
    refs = store.run_refs(conn, walk.runs)
    nodes = [
        LineageNode(id=f"artifact:{out.id}", kind="artifact", label=f"{out.name}:{out.version}", artifact=out)
        for out in views.outs(conn, ordered)
    ]
    run_ids = {pk: run_node_id(ref) for pk, ref in refs.items()}
    nodes += [
        LineageNode(id=run_ids[pk], kind="run", label=ref.name or ref.run_id, run=ref)
        for pk, ref in sorted(refs.items())
    ]
    edges = []
    for e in sorted(walk.edges, key=lambda e: (e.created_at, e.version_pk, e.run_pk, e.kind)):
        if e.version_pk not in versions or e.run_pk not in run_ids:
            continue  # an end left out by the node limit
        artifact, run = f"artifact:{versions[e.version_pk].id}", run_ids[e.run_pk]
        source, target = (run, artifact) if e.kind == "logged" else (artifact, run)
        edges.append(LineageEdge(source=source, target=target, kind=e.kind))
    return LineageGraph(nodes=nodes, edges=edges, truncated=walk.truncated)


def used_by(store: ArtifactStore, conn: Connection, version: StoredVersion) -> list[RunRef]:
    edges = store.edges_of_versions(conn, [version.pk], "used")
    refs = store.run_refs(conn, {e.run_pk for e in edges})
    return [refs[e.run_pk] for e in edges if e.run_pk in refs]


def run_versions(store: ArtifactStore, conn: Connection, run_pk: int, direction: str) -> list[StoredVersion]:
    """The versions a run logged (``direction="logged"``) or used, in the order it did so."""
    edges = store.edges_of_runs(conn, [run_pk], "used" if direction == "used" else "logged")
    versions = store.get_versions(conn, {e.version_pk for e in edges})
    return [versions[e.version_pk] for e in edges if e.version_pk in versions]


def node_project(node: LineageNode) -> tuple[str, str] | None:
    """The (entity, project) a node lives in."""
    if node.run is not None:
        return node.run.entity, node.run.project
    if node.artifact is not None:
        return node.artifact.entity, node.artifact.project
    return None


def readable_lineage(graph: LineageGraph, may_read: Callable[[str, str], bool]) -> LineageGraph:
    """The graph without nodes in projects ``may_read`` refuses, nor the edges that touch them
    (a lineage may reach into projects the reader cannot see)."""
    places = {n.id: node_project(n) for n in graph.nodes}
    allowed = {p: may_read(*p) for p in set(places.values()) if p is not None}
    nodes = [n for n in graph.nodes if (place := places[n.id]) is None or allowed[place]]
    kept = {n.id for n in nodes}
    edges = [e for e in graph.edges if e.source in kept and e.target in kept]
    return LineageGraph(nodes=nodes, edges=edges, truncated=graph.truncated)
