"""The run-log records of artifacts, applied with the run's other records in its batch transaction.

``artifact`` (``run.log_artifact``) is a marker: the SDK's saver creates the version itself
(``POST .../versions`` with the run's id, which records the ``logged`` edge), so the record only
keeps the run log replayable. ``artifact_use`` (``run.use_artifact``) is a lineage edge version
-used-> run, stored once however often the record is applied. A use of a registry link is recorded
on the link's source, where the lineage lives. A use naming a version that no longer exists cannot
stop the run's upload: it is skipped with a warning in the batch's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from trackwell.schema.records import ArtifactUseRecord
from trackwell.store.base import ArtifactStore

if TYPE_CHECKING:
    from sqlalchemy import Connection

USED_AS_MAX = 128


def apply_artifact_uses(
    store: ArtifactStore, conn: Connection, run_pk: int, uses: Sequence[ArtifactUseRecord], now: float
) -> list[str]:
    """Store each use as an edge; the warnings for uses of versions the server does not have."""
    warnings = []
    for use in uses:
        version = store.version_by_id(conn, use.artifact_id)
        if version is None:
            warnings.append(
                f"artifact_use (seq {use.seq}) names artifact version {use.artifact_id[:100]!r}, which does "
                "not exist (deleted?); the use was not recorded"
            )
            continue
        target = version.source_pk if version.source_pk is not None else version.pk
        used_as = use.used_as[:USED_AS_MAX] if use.used_as else None
        store.add_edge(conn, target, run_pk, "used", used_as, now)
    return warnings
