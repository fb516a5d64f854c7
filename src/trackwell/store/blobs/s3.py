"""Content-addressed blobs in an S3 bucket (AWS or any S3-compatible server): ``<prefix>ab/cd/<sha256>``.

``put`` hashes the bytes first (a seekable input in place, anything else spooled to a local
temporary file: bounded memory) and only then sends them under their digest's key, in one PUT or,
when large, one multipart upload. S3 makes an object visible only when its PUT or multipart upload
completes, so a digest's key never names partial bytes; the PUT also carries the SHA-256 for S3 to
check on arrival, and ``If-None-Match: *`` so that of concurrent writers of the same content only
one counts as ``created``. Every digest is validated before a key is built from it.

Upload sessions (parts sent by clients straight to the bucket through presigned URLs) are in
:mod:`trackwell.store.blobs.s3_uploads`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base.blobs import BlobInfo, BlobWriteResult, valid_digest
from trackwell.store.blobs.common import COPY_CHUNK, digest_mismatch
from trackwell.store.blobs.s3_client import MAX_POOL, NOT_FOUND_CODES, S3ObjectReader, S3Options, error_code
from trackwell.store.blobs.s3_uploads import S3Uploads

SINGLE_PUT_MAX = 64 << 20  # larger blobs go up in parts of this size (S3: one PUT <= 5 GiB)
SPOOL_IN_MEMORY = 8 << 20


class S3BlobStore(S3Uploads):
    list_page = 1000  # keys per LIST page (S3's most); smaller in tests of the HEAD fallback

    def __init__(self, options: S3Options, client: Any, presigner: Any) -> None:
        super().__init__(options, client, presigner)
        try:  # fail at start-up, naming the bucket, rather than on the first upload
            client.head_bucket(Bucket=options.bucket)
        except Exception as exc:
            raise InvalidArgument(
                f"the S3 bucket {options.bucket!r} cannot be used: {_safe_reason(exc)}",
                field="blob_store_url",
                hint="check the bucket name, the endpoint (endpoint= or AWS_ENDPOINT_URL_S3), the region"
                " and the credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)",
            ) from None

    def key_for(self, sha256: str) -> str:
        digest = valid_digest(sha256)
        if digest is None:
            raise NotFound(f"no blob {sha256!r}", hint="a blob is named by 64 hex digits of its sha256")
        return f"{self.prefix}{digest[:2]}/{digest[2:4]}/{digest}"

    # -- writing -------------------------------------------------------------------------------------

    def put(self, data: bytes | IO[bytes], expected_sha256: str | None = None) -> BlobWriteResult:
        spool: IO[bytes] | None = None
        try:
            if isinstance(data, bytes | bytearray | memoryview):
                body: IO[bytes] = io.BytesIO(bytes(data))
            elif _seekable(data):
                body = data
            else:
                body = spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
            start = body.tell() if spool is None else 0
            digest, size = _hash(data if spool is not None else body, spool)
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise digest_mismatch(expected_sha256, digest, size)
            body.seek(start)
            created = False if self.exists(digest) else self._send(body, digest, size)
        finally:
            if spool is not None:
                spool.close()
        return BlobWriteResult(BlobInfo(sha256=digest, size=size), created=created)

    def _send(self, body: IO[bytes], digest: str, size: int) -> bool:
        """Upload to the digest's key unless it appears meanwhile; True when this call stored it."""
        key = self.key_for(digest)
        try:
            if size <= SINGLE_PUT_MAX:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentLength=size,
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
                    IfNoneMatch="*",
                )
            else:
                self._send_in_parts(body, key)
        except Exception as exc:
            if error_code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False  # another writer stored the same content first
            raise
        return True

    def _send_in_parts(self, body: IO[bytes], key: str) -> None:
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            parts = []
            number = 1
            while chunk := body.read(SINGLE_PUT_MAX):
                answer = self.client.upload_part(
                    Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=number, Body=chunk
                )
                parts.append({"PartNumber": number, "ETag": answer["ETag"]})
                number += 1
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            )
        except BaseException:
            self._abort_quietly(key, upload)
            raise

    # -- reading -------------------------------------------------------------------------------------

    def stat(self, sha256: str) -> BlobInfo:
        key = self.key_for(sha256)
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in NOT_FOUND_CODES:
                raise NotFound(f"no blob {sha256}", hint="upload the file first") from None
            raise
        return BlobInfo(sha256=key.rsplit("/", 1)[1], size=int(head["ContentLength"]))

    def exists(self, sha256: str) -> bool:
        if valid_digest(sha256) is None:
            return False
        try:
            self.stat(sha256)
        except NotFound:
            return False
        return True

    def missing(self, digests: Sequence[str]) -> list[str]:
        """Digests are grouped by their first shard (``ab/``, 256 of them) and each group is
        answered by whichever costs fewer requests: a listing of the key range between its least and
        greatest digest (1,000 keys a page), or a HEAD per digest once the listing has used its
        page budget (a dense shard). Groups run in parallel. 10,000 digests against a store of up
        to ~250,000 blobs: ~256 LISTs instead of 10,000 HEADs."""
        wanted = sorted({d for d in digests if valid_digest(d) is not None})
        groups: dict[str, list[str]] = {}
        for digest in wanted:
            groups.setdefault(digest[:2], []).append(digest)
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_POOL, len(groups)))) as pool:
            found = set().union(*pool.map(self._present_in_shard, groups.values()), set())
        return [d for d in digests if d not in found]

    def _present_in_shard(self, digests: list[str]) -> set[str]:
        if len(digests) <= 2:
            return {d for d in digests if self.exists(d)}
        shard = f"{self.prefix}{digests[0][:2]}/"
        last_key = self.key_for(digests[-1])
        present: set[str] = set()
        listed_to = ""
        kwargs: dict[str, Any] = {"StartAfter": self.key_for(digests[0])[:-1]}
        for _ in range(max(1, len(digests) // 8)):  # page budget: a page is worth 8 HEADs
            page = self.client.list_objects_v2(
                Bucket=self.bucket, Prefix=shard, MaxKeys=self.list_page, **kwargs
            )
            for item in page.get("Contents", []):
                listed_to = str(item["Key"])
                present.add(listed_to.rsplit("/", 1)[1])
            if not page.get("IsTruncated") or listed_to >= last_key:
                listed_to = last_key
                break
            kwargs = {"ContinuationToken": page["NextContinuationToken"]}
        wanted = set(digests)
        rest = [d for d in digests if self.key_for(d) > listed_to]
        return (present & wanted) | {d for d in rest if self.exists(d)}

    def open(self, sha256: str) -> IO[bytes]:
        info = self.stat(sha256)
        reader = S3ObjectReader(self.client, self.bucket, self.key_for(info.sha256), info.size)
        return io.BufferedReader(reader, buffer_size=COPY_CHUNK)

    def iter_chunks(self, sha256: str, chunk_size: int = COPY_CHUNK) -> Iterator[bytes]:
        key = self.key_for(sha256)
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except Exception as exc:
            if error_code(exc) in NOT_FOUND_CODES:
                raise NotFound(f"no blob {sha256}", hint="upload the file first") from None
            raise
        return _chunks(body, chunk_size)

    def download_url(self, sha256: str, expires_in: int) -> str | None:
        params = {"Bucket": self.bucket, "Key": self.key_for(sha256)}
        url: str = self.presigner.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
        return url


def _seekable(data: IO[bytes]) -> bool:
    try:
        return bool(data.seekable())
    except (AttributeError, ValueError):
        return False


def _hash(source: IO[bytes] | bytes | bytearray | memoryview, copy_to: IO[bytes] | None) -> tuple[str, int]:
    """SHA-256 and size of ``source`` read to its end, copied to ``copy_to`` when given."""
    if isinstance(source, bytes | bytearray | memoryview):
        return hashlib.sha256(source).hexdigest(), len(source)
    hasher = hashlib.sha256()
    size = 0
    while chunk := source.read(COPY_CHUNK):
        hasher.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return hasher.hexdigest(), size


def _chunks(body: Any, chunk_size: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(chunk_size)
    finally:
        body.close()


def _safe_reason(exc: BaseException) -> str:
    """Why a request failed, without anything secret: the S3 error code, or botocore's message
    (which names endpoints and operations, never keys: "Unable to locate credentials")."""
    code = error_code(exc)
    if code:
        return f"S3 answered {code}"
    return f"{type(exc).__name__}: {str(exc)[:300]}"
