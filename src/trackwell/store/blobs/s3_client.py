"""boto3 clients for the S3 blob store, and a seekable reader over an object.

Credentials come only from boto3's usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
``AWS_PROFILE`` and ``~/.aws``, instance roles); the endpoint from the blob URL's ``endpoint=`` or
``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL``. Presigned URLs are signed for the endpoint clients
reach (``public_endpoint=``), which may differ from the one the server uses (a container network
name, say): the signature covers the host, so they are made by a second client for that endpoint.
No request leaves for signing; both clients share one session and its credentials.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from trackwell.schema.errors import InvalidArgument

MAX_POOL = 64  # connections per client: enough for the parallel HEADs of POST /blobs/missing


@dataclass(frozen=True, slots=True)
class S3Options:
    bucket: str
    prefix: str  # "" or ending in "/"
    endpoint_url: str | None = None
    public_endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str | None = None  # "path" | "virtual" | "auto"


def make_clients(options: S3Options) -> tuple[Any, Any]:
    """(client for requests, client for presigning)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:  # pragma: no cover - boto3 is in the dev extras
        raise InvalidArgument(
            "the S3 blob store needs boto3, which is not installed",
            field="blob_store_url",
            hint="pip install 'trackwell[s3]'",
        ) from None
    endpoint = options.endpoint_url
    env_endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    # S3-compatible servers (MinIO, moto, Ceph) are addressed by path; AWS itself by virtual host.
    style = options.addressing_style or ("path" if (endpoint or env_endpoint) else "auto")
    config = Config(
        signature_version="s3v4",
        max_pool_connections=MAX_POOL,
        retries={"mode": "standard", "max_attempts": 5},
        s3={"addressing_style": style},
        # Checksums only where S3 requires them: S3-compatible servers differ in which they accept,
        # and presigned part URLs must not demand headers a plain HTTP client does not send.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = boto3.session.Session(region_name=options.region)
    client = session.client("s3", endpoint_url=endpoint, config=config)
    public = options.public_endpoint_url
    presigner = session.client("s3", endpoint_url=public, config=config) if public else client
    return client, presigner


def error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ClientError ("NoSuchKey", "404", ...), else ""."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchUpload"})
HASH_PIECE = 8 << 20
HASH_AHEAD = 4  # ranged GETs in flight while hashing: at most (1 + 4) x 8 MiB held


def hash_object(client: Any, bucket: str, key: str, size: int) -> str:
    """SHA-256 of an object of ``size`` bytes, read as ranged GETs a few at a time, hashed in
    order: one S3 stream gives ~100 MB/s, several keep the hasher busy (several times faster on
    big blobs, which is how long ``complete`` takes)."""

    def piece(start: int) -> bytes:
        end = min(start + HASH_PIECE, size) - 1
        answer = client.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end}")
        data: bytes = answer["Body"].read()
        return data

    hasher = hashlib.sha256()
    starts = iter(range(0, size, HASH_PIECE))
    with ThreadPoolExecutor(max_workers=HASH_AHEAD) as pool:
        pending = deque(pool.submit(piece, s) for s in islice(starts, HASH_AHEAD))
        while pending:
            hasher.update(pending.popleft().result())
            for start in islice(starts, 1):
                pending.append(pool.submit(piece, start))
    return hasher.hexdigest()


class S3ObjectReader(io.RawIOBase):
    """A seekable, read-only view of one object: reads stream a ranged GET from the current
    position, opened lazily and re-opened after a seek, so ``seek(n)`` then reading (how byte
    ranges are served) fetches only the bytes asked for."""

    def __init__(self, client: Any, bucket: str, key: str, size: int) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._size = size
        self._pos = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        new = max(0, base + offset)
        if new != self._pos:
            self._drop()
            self._pos = new
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            answer = self._client.get_object(Bucket=self._bucket, Key=self._key, Range=f"bytes={self._pos}-")
            self._body = answer["Body"]
        data = self._body.read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop()
        super().close()
