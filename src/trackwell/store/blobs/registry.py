"""Choose a blob store by URL scheme, so settings carry one string (``--blobs file:///data/blobs``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import BlobStore
from trackwell.store.blobs.local import LocalBlobStore

SUPPORTED = "file:///absolute/path, or a plain directory path"


def open_blob_store(url: str) -> BlobStore:
    """``file:///srv/blobs`` or ``/srv/blobs`` (``~`` expanded) -> :class:`LocalBlobStore`."""
    if not url or not url.strip():
        raise InvalidArgument("the blob store URL is empty", field="blob_store_url", hint=f"use {SUPPORTED}")
    parts = urlsplit(url)
    # A one-letter "scheme" is a Windows drive (C:\blobs), not a URL scheme.
    if parts.scheme == "" or len(parts.scheme) == 1:
        return LocalBlobStore(Path(url).expanduser())
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise InvalidArgument(
                f"file URLs name a local path, got host {parts.netloc!r}",
                field="blob_store_url",
                hint="write file:///absolute/path (three slashes)",
            )
        return LocalBlobStore(Path(unquote(parts.path)).expanduser())
    if parts.scheme == "s3":
        raise InvalidArgument(
            "the S3 blob store is not available yet", field="blob_store_url", hint=f"use {SUPPORTED}"
        )
    raise InvalidArgument(
        f"unsupported blob store scheme {parts.scheme!r}", field="blob_store_url", hint=f"use {SUPPORTED}"
    )
