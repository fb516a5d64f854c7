"""Choose a blob store by URL scheme, so settings carry one string (``--blob-url file:///data/blobs``).

``s3://bucket/prefix`` takes options as query parameters, never credentials (those come from
boto3's usual chain, so they stay out of command lines, logs and ``ps``):
``endpoint=`` (an S3-compatible server; default ``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL`` or AWS),
``public_endpoint=`` (the endpoint clients reach, for presigned URLs), ``region=``, and
``addressing=path|virtual|auto``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import BlobStore
from trackwell.store.blobs.local import LocalBlobStore
from trackwell.store.blobs.s3_client import S3Options  # boto3 itself loads only for an s3:// URL

SUPPORTED = "file:///absolute/path, a plain directory path, or s3://bucket/prefix"
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX = re.compile(r"[A-Za-z0-9!_.*'()/-]*")
S3_OPTIONS = ("endpoint", "public_endpoint", "region", "addressing")


def _invalid(message: str, hint: str = f"use {SUPPORTED}") -> InvalidArgument:
    return InvalidArgument(message, field="blob_store_url", hint=hint)


def open_blob_store(url: str) -> BlobStore:
    """``file:///srv/blobs`` or ``/srv/blobs`` (``~`` expanded) -> :class:`LocalBlobStore`;
    ``s3://bucket/prefix?endpoint=...`` -> :class:`~trackwell.store.blobs.s3.S3BlobStore`."""
    if not url or not url.strip():
        raise _invalid("the blob store URL is empty")
    parts = urlsplit(url)
    # A one-letter "scheme" is a Windows drive (C:\blobs), not a URL scheme.
    if parts.scheme == "" or len(parts.scheme) == 1:
        return LocalBlobStore(Path(url).expanduser())
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise _invalid(
                f"file URLs name a local path, got host {parts.netloc!r}",
                "write file:///absolute/path (three slashes)",
            )
        return LocalBlobStore(Path(unquote(parts.path)).expanduser())
    if parts.scheme == "s3":
        return open_s3_store(url)
    raise _invalid(f"unsupported blob store scheme {parts.scheme!r}")


def open_s3_store(url: str) -> BlobStore:
    from trackwell.store.blobs.s3 import S3BlobStore
    from trackwell.store.blobs.s3_client import make_clients

    options = parse_s3_url(url)
    client, presigner = make_clients(options)
    return S3BlobStore(options, client, presigner)


def parse_s3_url(url: str) -> S3Options:
    parts = urlsplit(url)
    if "@" in parts.netloc:
        # Never echo it: what precedes '@' may be a secret key.
        raise _invalid(
            "an s3:// blob URL must not carry credentials",
            "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws/credentials instead",
        )
    bucket = parts.netloc
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise _invalid(
            f"{bucket!r} is not an S3 bucket name", "write s3://bucket/prefix (bucket: 3-63 of a-z 0-9 . -)"
        )
    prefix = unquote(parts.path).strip("/")
    if not _PREFIX.fullmatch(prefix) or any(seg in ("", ".", "..") for seg in prefix.split("/") if prefix):
        raise _invalid(
            f"{prefix!r} is not a usable key prefix", "use letters, digits and - _ . / (no '..', no '//')"
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(S3_OPTIONS))
    if unknown:
        raise _invalid(f"unknown s3:// option(s) {', '.join(unknown)}", f"use only {', '.join(S3_OPTIONS)}")

    def option(name: str) -> str | None:
        values = query.get(name)
        return values[-1] if values and values[-1] else None

    addressing = option("addressing")
    if addressing not in (None, "path", "virtual", "auto"):
        raise _invalid(f"addressing={addressing!r} is not path, virtual or auto")
    for name in ("endpoint", "public_endpoint"):
        value = option(name)
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise _invalid(
                f"{name}= must be an http(s) URL, got {value[:100]!r}", "write endpoint=http://host:port"
            )
    return S3Options(
        bucket=bucket,
        prefix=f"{prefix}/" if prefix else "",
        endpoint_url=option("endpoint"),
        public_endpoint_url=option("public_endpoint"),
        region=option("region"),
        addressing_style=addressing,
    )
