"""Blob transfers: which digests are missing, resumable uploads in parts, download URLs (issue 10).
Filled in by the blob-transfer work."""

from __future__ import annotations

from trackwell.store.base import BlobStore


class BlobTransferService:
    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs
