"""Upload sessions of the S3 blob store: an S3 multipart upload plus a small JSON record.

A session ``<id>`` is the multipart upload of the temporary object ``<prefix>tmp/uploads/<id>.bin``
and the record ``<prefix>tmp/uploads/<id>.json`` (digest, size, part size, start time, S3's upload
id). Both live in the bucket, so any server process, after any restart, resumes it: the parts
received are what S3 lists for the upload (``ListParts``), with their ETags.

Clients PUT parts straight to the bucket through presigned ``upload_part`` URLs (the server can also
relay a part: ``put_part``). ``complete`` then:

1. completes the multipart upload of the *temporary* object from the parts S3 lists (ignoring
   parts of a wrong size or number, and the client's ETags, which only the listing can vouch for);
2. reads that object back and hashes it (ranged reads, a few in flight, bounded memory):
   per-part checksums would prove that each part arrived as sent, but not that the parts are the
   blob named by the digest, and S3 has no whole-object SHA-256 of a multipart object;
3. copies it to the digest's key (a server-side copy, no bytes through the server) only when the
   hash matches, then deletes the temporary object and the record. A mismatch deletes both.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import IO, Any

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base.blobs import (
    BlobInfo,
    BlobWriteResult,
    PartInfo,
    UploadBusy,
    UploadState,
    completion_stale_after,
)
from trackwell.store.blobs.common import (
    check_upload_id,
    digest_mismatch,
    new_upload_id,
    parse_session,
    parts_incomplete,
    session_json,
    upload_not_found,
    upload_prefix,
)
from trackwell.store.blobs.s3_client import NOT_FOUND_CODES, S3Options, error_code, hash_object


class S3Uploads:
    """The base of :class:`~trackwell.store.blobs.s3.S3BlobStore`: client, bucket, prefix, sessions."""

    def __init__(self, options: S3Options, client: Any, presigner: Any) -> None:
        self.options = options
        self.bucket = options.bucket
        self.prefix = options.prefix
        self.client = client
        self.presigner = presigner
        self._sessions = f"{self.prefix}tmp/uploads/"

    def key_for(self, sha256: str) -> str:  # pragma: no cover - S3BlobStore's
        raise NotImplementedError

    def exists(self, sha256: str) -> bool:  # pragma: no cover - S3BlobStore's
        raise NotImplementedError

    def _record_key(self, upload_id: str) -> str:
        return f"{self._sessions}{check_upload_id(upload_id)}.json"

    def _object_key(self, upload_id: str) -> str:
        return f"{self._sessions}{check_upload_id(upload_id)}.bin"

    def find_upload(self, sha256: str, size: int) -> UploadState | None:
        listing = self.client.list_objects_v2(
            Bucket=self.bucket, Prefix=self._sessions + upload_prefix(sha256, size)
        )
        for item in listing.get("Contents", []):
            name = str(item["Key"])[len(self._sessions) :]
            if name.endswith(".json"):
                try:
                    return self.get_upload(name.removesuffix(".json"))
                except NotFound:
                    continue  # removed meanwhile, or its multipart upload is gone
        return None

    def create_upload(self, sha256: str, size: int, part_size: int, now: float) -> UploadState:
        state = UploadState(new_upload_id(sha256, size), sha256, size, part_size, now)
        answer = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=self._object_key(state.upload_id)
        )
        record = session_json(state, s3_upload_id=answer["UploadId"])
        self.client.put_object(Bucket=self.bucket, Key=self._record_key(state.upload_id), Body=record)
        return state

    def _load(self, upload_id: str) -> tuple[UploadState, str]:
        key = self._record_key(upload_id)
        try:
            raw = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except Exception as exc:
            if error_code(exc) in NOT_FOUND_CODES:
                raise upload_not_found(upload_id) from None
            raise
        state, record = parse_session(raw, upload_id)
        return state, str(record.get("s3_upload_id", ""))

    def get_upload(self, upload_id: str) -> UploadState:
        state, s3_id = self._load(upload_id)
        parts: list[PartInfo] = []
        marker = 0
        while True:
            try:
                page = self.client.list_parts(
                    Bucket=self.bucket,
                    Key=self._object_key(upload_id),
                    UploadId=s3_id,
                    PartNumberMarker=marker,
                )
            except Exception as exc:
                if error_code(exc) in NOT_FOUND_CODES:
                    raise upload_not_found(upload_id) from None
                raise
            for p in page.get("Parts", []):
                parts.append(PartInfo(number=int(p["PartNumber"]), size=int(p["Size"]), etag=str(p["ETag"])))
            if not page.get("IsTruncated"):
                break
            marker = int(page["NextPartNumberMarker"])
        return replace(state, parts=tuple(sorted(parts, key=lambda p: p.number)))

    def part_urls(self, state: UploadState, numbers: Sequence[int], expires_in: int) -> dict[int, str] | None:
        _, s3_id = self._load(state.upload_id)
        key = self._object_key(state.upload_id)
        return {
            n: self.presigner.generate_presigned_url(
                "upload_part",
                Params={"Bucket": self.bucket, "Key": key, "UploadId": s3_id, "PartNumber": n},
                ExpiresIn=expires_in,
            )
            for n in numbers
        }

    def put_part(self, upload_id: str, number: int, data: IO[bytes], expected_size: int) -> PartInfo:
        """A part relayed by the server (clients that cannot reach the bucket)."""
        _, s3_id = self._load(upload_id)
        start = data.tell()
        size = data.seek(0, 2) - start
        data.seek(start)
        if size != expected_size:
            raise InvalidArgument(
                f"part {number} has {size} bytes, the upload expects {expected_size}",
                field="body",
                hint="part n holds part_size bytes from offset (n - 1) * part_size (the last: the rest)",
            )
        answer = self.client.upload_part(
            Bucket=self.bucket,
            Key=self._object_key(upload_id),
            UploadId=s3_id,
            PartNumber=number,
            Body=data,
            ContentLength=size,
        )
        return PartInfo(number=number, size=size, etag=str(answer["ETag"]))

    def _lock_key(self, upload_id: str) -> str:
        return f"{self._sessions}{check_upload_id(upload_id)}.lock"

    def complete_upload(self, upload_id: str, parts: Sequence[PartInfo]) -> BlobWriteResult:
        temp = self._object_key(upload_id)
        try:
            state = self.get_upload(upload_id)
        except NotFound:
            # The multipart upload is gone: completed by a request that died while verifying
            # (its record and temporary object are still there), or the session is unknown.
            state, _ = self._load(upload_id)
            if not self._object_exists(temp):
                raise
            self._claim(state)
        else:
            missing = state.missing_parts()
            if missing:
                raise parts_incomplete(upload_id, missing)
            self._claim(state)
            _, s3_id = self._load(upload_id)
            listed = [{"PartNumber": p.number, "ETag": p.etag} for p in state.good_parts()]
            try:
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=temp, UploadId=s3_id, MultipartUpload={"Parts": listed}
                )
            except BaseException:
                self._delete(self._lock_key(upload_id))
                raise
        return self._verify_and_publish(state, temp)

    def _verify_and_publish(self, state: UploadState, temp: str) -> BlobWriteResult:
        try:
            digest = hash_object(self.client, self.bucket, temp, state.size)
            if digest != state.sha256:
                raise digest_mismatch(state.sha256, digest, state.size)
            created = not self.exists(digest)
            if created:
                source = {"Bucket": self.bucket, "Key": temp}
                # Managed copy: one CopyObject, or UploadPartCopy pieces past S3's 5 GiB copy limit.
                self.client.copy(source, self.bucket, self.key_for(digest))
        except InvalidArgument:
            self._forget(state.upload_id)
            raise
        except BaseException:
            self._delete(self._lock_key(state.upload_id))  # a retry verifies again
            raise
        self._forget(state.upload_id)
        return BlobWriteResult(BlobInfo(sha256=state.sha256, size=state.size), created=created)

    def _forget(self, upload_id: str) -> None:
        for key in (self._object_key(upload_id), self._record_key(upload_id), self._lock_key(upload_id)):
            self._delete(key)

    def _claim(self, state: UploadState) -> None:
        """One request completes a session: a lock object written with ``If-None-Match: *``. Others
        get ``UploadBusy`` until it is done, or take over a lock gone stale (its server died)."""
        key = self._lock_key(state.upload_id)
        now = time.time()
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=str(now).encode(), IfNoneMatch="*")
            return
        except Exception as exc:
            if error_code(exc) not in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                raise
        try:
            since = float(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except ValueError:
            since = float("-inf")  # not a time: take it over
        except Exception as exc:
            if error_code(exc) not in NOT_FOUND_CODES:
                raise
            since = float("-inf")  # released meanwhile
        if now - since < completion_stale_after(state.size):
            raise UploadBusy(
                f"upload {state.upload_id} is being completed by another request",
                hint="retry in a few seconds: the answer is the stored blob once it is verified",
            )
        self.client.put_object(Bucket=self.bucket, Key=key, Body=str(now).encode())

    def _object_exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in NOT_FOUND_CODES:
                return False
            raise
        return True

    def abort_upload(self, upload_id: str) -> None:
        try:
            _, s3_id = self._load(upload_id)
        except NotFound:
            return
        self._abort_quietly(self._object_key(upload_id), s3_id)
        self._forget(upload_id)

    def expire_uploads(self, started_before: float) -> int:
        """Sessions are judged by their record's start time (the server's clock, as locally).
        A multipart upload without a record (a crash between the two writes) is left to the
        bucket's lifecycle rule (docs: AbortIncompleteMultipartUpload)."""
        removed = 0
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._sessions
        ):
            for item in page.get("Contents", []):
                key = str(item["Key"])
                name = key[len(self._sessions) :]
                if name.endswith(".json"):
                    try:
                        state, _ = self._load(name.removesuffix(".json"))
                    except NotFound:
                        continue
                    if state.created_at < started_before:
                        self.abort_upload(state.upload_id)
                        removed += 1
                elif item["LastModified"].timestamp() < started_before:
                    self._delete(key)  # a temporary object a crash left behind during complete
        return removed

    def _abort_quietly(self, key: str, s3_upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=s3_upload_id)
        except Exception as exc:
            if error_code(exc) not in NOT_FOUND_CODES:
                raise

    def _delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)
