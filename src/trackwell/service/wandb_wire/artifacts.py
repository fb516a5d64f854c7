"""Artifacts through the wandb protocol (``services.wandb.artifacts``): saving (``artifacts_save``),
reading, using and editing (``artifacts_read``), over Trackwell's one :class:`ArtifactService`; the
signed ids and URLs in ``artifacts_tokens``; MD5 <-> SHA-256 in ``artifacts_md5``."""

from __future__ import annotations

from trackwell.service.artifacts import ArtifactService
from trackwell.service.records import RecordService
from trackwell.service.wandb_wire.artifacts_md5 import Md5Index
from trackwell.service.wandb_wire.artifacts_read import WandbArtifactReads
from trackwell.service.wandb_wire.artifacts_save import WandbArtifactSaver
from trackwell.service.wandb_wire.artifacts_tokens import ArtifactTokens
from trackwell.service.wandb_wire.runs import WandbRuns
from trackwell.store.base import BlobStore, Database


class WandbArtifacts:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        artifacts: ArtifactService,
        runs: WandbRuns,
        records: RecordService,
        secret: bytes,
    ) -> None:
        self.tokens = ArtifactTokens(secret)
        md5 = Md5Index(db, blobs)
        self.save = WandbArtifactSaver(db, blobs, artifacts, runs, self.tokens)
        self.read = WandbArtifactReads(db, blobs, artifacts, runs, records, self.tokens, md5)
