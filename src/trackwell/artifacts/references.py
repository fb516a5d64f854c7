"""``add_reference``: entries for objects that stay where they are (``file://``, ``http(s)://``,
``s3://``), tracked by digest and never uploaded.

What each scheme records (``ref`` is the object's URI; ``digest`` is what tells versions apart):

* ``file://`` (a file, or a folder: one entry per file under it): with ``checksum=True`` the
  SHA-256 of the content (through the hash cache); with ``checksum=False`` a token of the URI,
  size and mtime (SHA-256 of the three), so a changed file still makes a new version but nothing
  is read. A missing path is an error.
* ``http(s)://``: with ``checksum=True`` a ``HEAD`` request: the ``ETag`` is the digest (kept in
  ``extra["etag"]`` too) and ``Content-Length`` the size; a server without ETags gets a ``GET``
  whose content is hashed (SHA-256) as it streams. With ``checksum=False`` no request: the digest
  is the URI.
* ``s3://bucket/key``: with ``checksum=True`` ``head_object`` (ETag, size, and the version id in
  ``extra["versionID"]`` when the bucket is versioned; ``?versionId=`` in the URI pins one); a key
  that is no object is read as a prefix and listed (``list_objects_v2``), one entry per object.
  With ``checksum=False`` no request: the digest is the URI. boto3 is imported only here, and its
  absence is an error that says how to install it. Endpoint and credentials come from the usual
  AWS variables and files (``AWS_ENDPOINT_URL`` for S3-compatible stores).
* any other scheme: one entry whose digest is the URI (wandb does the same).

``max_objects`` bounds a folder or prefix (default 10,000,000, as wandb); more is an error.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from trackwell.artifacts.entries import ArtifactManifestEntry
from trackwell.artifacts.hash_cache import sha256_file

DEFAULT_MAX_OBJECTS = 10_000_000
HTTP_TIMEOUT_S = 60.0
_CHUNK = 4 * 2**20


def reference_entries(
    uri: str, name: str | None, checksum: bool, max_objects: int | None
) -> list[ArtifactManifestEntry]:
    """The entries for ``uri`` (names not yet checked: the artifact checks them)."""
    limit = DEFAULT_MAX_OBJECTS if max_objects is None else int(max_objects)
    scheme = urlparse(uri).scheme.lower()
    if scheme == "file":
        return _file_entries(uri, name, checksum, limit)
    if scheme in ("http", "https"):
        return [_http_entry(uri, name, checksum)]
    if scheme == "s3":
        return _s3_entries(uri, name, checksum, limit)
    return [
        ArtifactManifestEntry(path=name or _basename(urlparse(uri).path) or "reference", digest=uri, ref=uri)
    ]


def _basename(path: str) -> str:
    return posixpath.basename(unquote(path).rstrip("/"))


def _join(prefix: str | None, relative: str) -> str:
    return f"{prefix.rstrip('/')}/{relative}" if prefix else relative


def _too_many(uri: str, limit: int) -> ValueError:
    return ValueError(
        f"reference {uri!r} holds more than {limit:,} objects; pass max_objects= a larger number "
        "to track them all, or reference a narrower folder/prefix"
    )


# --- file:// ---------------------------------------------------------------------------------
def _file_entries(uri: str, name: str | None, checksum: bool, limit: int) -> list[ArtifactManifestEntry]:
    parsed = urlparse(uri)
    if parsed.netloc not in ("", "localhost"):
        raise ValueError(
            f"file reference {uri!r} names the host {parsed.netloc!r}; write file:///absolute/path "
            "(three slashes) for a local file"
        )
    local = Path(unquote(parsed.path))
    if local.is_file():
        return [_file_entry(local, name or local.name, checksum)]
    if not local.is_dir():
        raise ValueError(f"file reference {uri!r}: no file or folder at {str(local)!r}")
    entries = []
    for dirpath, _dirs, files in os.walk(local, followlinks=True):
        for fname in sorted(files):
            path = Path(dirpath) / fname
            relative = path.relative_to(local).as_posix()
            entries.append(_file_entry(path, _join(name, relative), checksum))
            if len(entries) > limit:
                raise _too_many(uri, limit)
    return entries


def _file_entry(path: Path, entry_name: str, checksum: bool) -> ArtifactManifestEntry:
    ref = path.absolute().as_uri()
    if checksum:
        digest, size = sha256_file(path)
    else:
        st = path.stat()
        size = st.st_size
        digest = hashlib.sha256(f"{ref}\n{size}\n{st.st_mtime_ns}".encode()).hexdigest()
    return ArtifactManifestEntry(path=entry_name, digest=digest, size=size, ref=ref)


# --- http(s):// ------------------------------------------------------------------------------
def _http_entry(uri: str, name: str | None, checksum: bool) -> ArtifactManifestEntry:
    entry_name = name or _basename(urlparse(uri).path) or urlparse(uri).netloc
    if not checksum:
        return ArtifactManifestEntry(path=entry_name, digest=uri, ref=uri)
    import urllib.error
    import urllib.request

    headers = {"User-Agent": "trackwell-artifacts"}
    etag: str | None = None
    size: int | None = None
    try:
        request = urllib.request.Request(uri, method="HEAD", headers=headers)
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as resp:
            etag = resp.headers.get("ETag")
            length = resp.headers.get("Content-Length")
            size = int(length) if length and length.isdigit() else None
    except urllib.error.HTTPError as exc:
        if exc.code not in (403, 405, 501):  # some servers refuse HEAD only; then GET below
            raise ValueError(
                f"reference {uri!r}: the server answered HTTP {exc.code} ({exc.reason})"
            ) from None
    except OSError as exc:
        raise ValueError(f"reference {uri!r} could not be reached: {exc}") from None
    if etag and size is not None:
        clean = etag.strip()
        return ArtifactManifestEntry(
            path=entry_name, digest=clean.strip('"'), size=size, ref=uri, extra={"etag": clean}
        )
    return _http_hashed(uri, entry_name, headers)


def _http_hashed(uri: str, entry_name: str, headers: dict[str, str]) -> ArtifactManifestEntry:
    """No ETag: read the content once and use its SHA-256."""
    import urllib.error
    import urllib.request

    hasher = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(
            urllib.request.Request(uri, headers=headers), timeout=HTTP_TIMEOUT_S
        ) as resp:
            etag = resp.headers.get("ETag")
            while chunk := resp.read(_CHUNK):
                hasher.update(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as exc:
        raise ValueError(f"reference {uri!r}: the server answered HTTP {exc.code} ({exc.reason})") from None
    except OSError as exc:
        raise ValueError(f"reference {uri!r} could not be read: {exc}") from None
    extra = {"etag": etag.strip()} if etag else {}
    return ArtifactManifestEntry(path=entry_name, digest=hasher.hexdigest(), size=size, ref=uri, extra=extra)


# --- s3:// -----------------------------------------------------------------------------------
def _boto3() -> Any:
    try:
        import boto3
    except ImportError:
        raise ImportError(
            "s3:// references need boto3, which is not installed: pip install 'trackwell[s3]'"
        ) from None
    return boto3


def _s3_entries(uri: str, name: str | None, checksum: bool, limit: int) -> list[ArtifactManifestEntry]:
    parsed = urlparse(uri)
    bucket, key = parsed.netloc, unquote(parsed.path).lstrip("/")
    if not bucket:
        raise ValueError(f"s3 reference {uri!r} has no bucket; write s3://bucket/key")
    if not checksum:
        return [ArtifactManifestEntry(path=name or _basename(key) or bucket, digest=uri, ref=uri)]
    client = _boto3().client("s3")
    versions = parse_qs(parsed.query).get("versionId")
    version = versions[0] if versions else None
    if key and not key.endswith("/"):
        head = _s3_head(client, bucket, key, version)
        if head is not None:
            extra = {"etag": head["ETag"]}
            if head.get("VersionId") and head["VersionId"] != "null":
                extra["versionID"] = head["VersionId"]
            ref = f"s3://{bucket}/{key}"
            return [
                ArtifactManifestEntry(
                    path=name or _basename(key),
                    digest=str(head["ETag"]).strip('"'),
                    size=int(head["ContentLength"]),
                    ref=ref,
                    extra=extra,
                )
            ]
    return _s3_listing(client, uri, bucket, key, name, limit)


def _s3_head(client: Any, bucket: str, key: str, version: str | None) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    args: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version:
        args["VersionId"] = version
    try:
        head: dict[str, Any] = client.head_object(**args)
        return head
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NotFound"):
            return None
        raise ValueError(f"s3 reference s3://{bucket}/{key}: {exc}") from None


def _s3_listing(
    client: Any, uri: str, bucket: str, key: str, name: str | None, limit: int
) -> list[ArtifactManifestEntry]:
    prefix = key.rstrip("/") + "/" if key else ""
    entries: list[ArtifactManifestEntry] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            if obj["Key"].endswith("/"):
                continue  # a "folder" marker object
            etag = str(obj["ETag"])
            entries.append(
                ArtifactManifestEntry(
                    path=_join(name, obj["Key"][len(prefix) :]),
                    digest=etag.strip('"'),
                    size=int(obj["Size"]),
                    ref=f"s3://{bucket}/{obj['Key']}",
                    extra={"etag": etag},
                )
            )
            if len(entries) > limit:
                raise _too_many(uri, limit)
    if not entries:
        raise ValueError(f"s3 reference {uri!r}: no object and no objects under that prefix")
    return entries
