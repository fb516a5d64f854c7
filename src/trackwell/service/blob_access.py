"""Who may read a blob by its digest: a caller who may read a project holding those bytes in a run
file or an artifact entry (docs/teams.md, "Blobs"). Digests travel in manifests and file lists the
caller was authorized to see; this check makes sure a digest kept after access was lost, or learned
elsewhere, reads nothing. Server admins (and the local user) skip the lookup."""

from __future__ import annotations

from collections.abc import Sequence

from trackwell.schema.errors import NotFound
from trackwell.service.access import visible_projects
from trackwell.store.base import Database, Principal


def require_readable_blobs(db: Database, principal: Principal, digests: Sequence[str]) -> None:
    """Returns when every digest is readable; ``NotFound`` (as for a blob that does not exist, so
    nothing leaks) naming the first that is not."""
    scope = visible_projects(principal)
    if scope.everything:
        return
    wanted = list(dict.fromkeys(digests))
    with db.read() as conn:
        readable = db.files.readable_blobs(conn, wanted, scope)
    refused = [d for d in wanted if d not in readable]
    if refused:
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        raise NotFound(
            f"blob {refused[0]} not found{more}",
            field="sha256",
            hint="blobs are read through the run files and artifacts of projects you may read",
        )
