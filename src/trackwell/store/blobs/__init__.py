"""Blob stores: file bytes, content-addressed by sha256, outside the SQL database.

``open_blob_store(url)`` picks the backend from the URL's scheme: ``file:///path`` or a plain path
for :class:`~trackwell.store.blobs.local.LocalBlobStore`; ``s3://`` is reserved for the S3 backend.
"""

from __future__ import annotations

from trackwell.store.blobs.local import LocalBlobStore
from trackwell.store.blobs.registry import open_blob_store

__all__ = ["LocalBlobStore", "open_blob_store"]
