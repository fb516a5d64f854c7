"""Artifacts: versions, aliases, lineage (issue 10). Filled in by the artifact-server work."""

from __future__ import annotations

import time
from collections.abc import Callable

from trackwell.store.base import BlobStore, Database


class ArtifactService:
    def __init__(self, db: Database, blobs: BlobStore, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock
