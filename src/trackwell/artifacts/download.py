"""``artifact.download()``: the manifest in one request, cached entries placed with no request at
all, the rest fetched in parallel and verified by SHA-256 on the way into the cache.

Why this shape: W&B users report "cached" downloads spending 95% of their time on URL round trips.
Here an entry whose blob is in the download cache (``FileCache``) is placed by hard link (a copy
across file systems) without asking the server anything; for the others one ``POST /blobs/urls``
per 10,000 digests says where to GET each (this server, or a presigned S3 URL fetched without our
API key). Blobs up to ``BATCH_BLOB_MAX`` that this server serves come many to a request (``POST
/blobs/read``, a framed stream read into one reused buffer, ``BATCH_STREAMS`` at once): the
server's cost per request, ~1-3 ms of Python, bounded a cold download of 1,000 x 1 MiB at
~160 MB/s and of 10,000 x 1 KiB files at ~800 files/s. Bigger blobs, and presigned URLs, get a
GET each on ``FETCH_THREADS`` threads. Every blob is hashed while it is written (the cache's
``writer``), and a mismatch is an error, never a placed file. A cache entry of the wrong size
counts as absent and is fetched again.

Entry names come from the server, so each is checked again with the shared entry rule
(``artifact_rules.check_entry_path``) and placed only inside ``root``
(:class:`~trackwell.sdk.download_paths.DownloadFolder`, the one "inside the folder" rule).

References are fetched from their source: ``file://`` copied from the path, ``http(s)://`` by GET
(no API key), ``s3://`` with boto3; checked against their digest when it is a SHA-256 (a
checksummed reference). ``allow_missing_references=True`` skips those that are gone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from trackwell.artifacts.cache_placement import place_many
from trackwell.artifacts.client import ArtifactClient
from trackwell.artifacts.workers import batches, run_in_threads, with_retry
from trackwell.schema.artifact_rules import check_entry_path
from trackwell.schema.errors import InvalidArgument, NotFound, TrackwellError
from trackwell.sdk import term
from trackwell.sdk.download_paths import DownloadFolder

log = logging.getLogger("trackwell.artifacts")

FETCH_THREADS = 8  # GETs of big blobs (and of every blob from S3) in flight
BATCH_STREAMS = 4  # framed requests in flight when only small blobs are left (2 cores serve them)
BATCH_BLOB_MAX = 16 << 20  # bytes; blobs up to this go many to a request (POST /blobs/read)
BATCH_BYTES = 64 << 20  # at most this much per framed request ...
BATCH_MIN_BYTES = 4 << 20  # ... and at least this much, unless there is less
BATCH_COUNT = 2_000  # blobs per framed request
PLACE_THREADS = 4
PLACE_BATCH = 500
_SHA256 = re.compile(r"[0-9a-f]{64}")
_COPY_CHUNK = 1 << 20


class DigestMismatch(TrackwellError):
    """Downloaded bytes do not match the manifest's digest: nothing was placed."""

    code = "digest_mismatch"
    http_status = 502


def artifact_dir() -> Path:
    """``$TRACKWELL_ARTIFACT_DIR``, else ``$WANDB_ARTIFACT_DIR``, else ``./artifacts`` (wandb's)."""
    return Path(
        os.environ.get("TRACKWELL_ARTIFACT_DIR") or os.environ.get("WANDB_ARTIFACT_DIR") or "./artifacts"
    )


def default_root(source_name: str) -> Path:
    """wandb's ``<artifact dir>/<name>:<version>``; ``:`` is not allowed in Windows paths, where
    wandb writes ``-`` instead."""
    name = source_name.replace(":", "-") if sys.platform == "win32" else source_name
    return artifact_dir() / name


def download_entries(
    client: ArtifactClient,
    contents: dict[str, dict[str, Any]],
    root: Path,
    *,
    skip_cache: bool = False,
    path_prefix: str | None = None,
    allow_missing_references: bool = False,
) -> list[str]:
    """Place the manifest ``contents`` (entry -> ManifestEntry dict) under ``root``; returns the
    entry names placed (those under ``path_prefix`` when given)."""
    from trackwell.artifacts.file_cache import FileCache

    folder = DownloadFolder(root)
    cache = None if skip_cache else FileCache.default()
    made: set[str] = set()
    stored: list[tuple[str, int, Path]] = []
    refs: list[tuple[str, dict[str, Any], Path]] = []
    placed: list[str] = []
    for name, info in contents.items():
        if path_prefix is not None and not name.startswith(path_prefix):
            continue
        check_entry_path(name)
        dest = folder.target(name)
        placed.append(name)
        parent = os.path.dirname(dest)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if info.get("ref"):
            refs.append((name, info, dest))
        else:
            stored.append((str(info["digest"]), int(info["size"]), dest))
    to_fetch, sizes = _place_cached(stored, cache)
    if to_fetch:
        _fetch_blobs(client, to_fetch, sizes, cache)
        if cache is not None:
            cache.flush()  # the cache's size total exact when download() returns, not a second later
    for name, info, dest in refs:
        _fetch_reference(client, name, info, dest, allow_missing=allow_missing_references)
    return placed


def _place_cached(
    stored: list[tuple[str, int, Path]], cache: Any
) -> tuple[dict[str, list[Path]], dict[str, int]]:
    """Place every entry the cache holds (no request); returns what must be fetched. Placing is a
    few system calls per file, which release the GIL: ``PLACE_THREADS`` threads share the work."""
    to_fetch: dict[str, list[Path]] = {}
    sizes: dict[str, int] = {}
    lock = threading.Lock()

    def settle(batch: list[tuple[str, int, Path]]) -> None:
        if cache is None:
            absent: list[int] = list(range(len(batch)))
        else:
            absent = place_many(cache, [(digest, size, str(dest)) for digest, size, dest in batch])
        with lock:
            for index in absent:
                digest, size, dest = batch[index]
                to_fetch.setdefault(digest, []).append(dest)
                sizes[digest] = size

    batches = [stored[i : i + PLACE_BATCH] for i in range(0, len(stored), PLACE_BATCH)]
    run_in_threads(settle, batches, min(PLACE_THREADS, len(batches)), name="trackwell-place")
    return to_fetch, sizes


def _fetch_blobs(
    client: ArtifactClient, to_fetch: dict[str, list[Path]], sizes: dict[str, int], cache: Any
) -> None:
    urls = client.blob_urls(to_fetch)
    lacking = sorted(set(to_fetch) - set(urls))
    if lacking:
        raise NotFound(
            f"the server has no bytes for {len(lacking)} entr(ies) of this artifact (e.g. blob {lacking[0]})",
            hint="the blob store lost them; log the artifact again from its source files",
        )
    # Blobs this server serves itself go many to a request (POST /blobs/read), unless big: a big
    # one gets a GET of its own, so several big ones download in parallel.
    framed = [d for d in to_fetch if urls[d].endswith(f"/api/v1/blobs/{d}") and sizes[d] <= BATCH_BLOB_MAX]
    single = sorted(set(to_fetch) - set(framed), key=lambda d: -sizes[d])  # big ones first
    jobs: list[tuple[str, list[str]]] = [("get", [d]) for d in single]
    groups = batches(
        framed,
        sizes.__getitem__,
        streams=BATCH_STREAMS,
        most=BATCH_BYTES,
        least=BATCH_MIN_BYTES,
        count=BATCH_COUNT,
    )
    jobs += [("batch", group) for group in groups]
    fetcher = _Fetcher(client, to_fetch, urls, cache)
    workers = FETCH_THREADS if single else BATCH_STREAMS
    run_in_threads(
        fetcher.fetch,
        jobs,
        min(workers, len(jobs)),
        name="trackwell-fetch",
        on_thread_end=client.release_thread_connection,
    )


class _Fetcher:
    """Fetches blobs into the cache (or straight to their files) and places them: one GET per big
    blob, one framed ``POST /blobs/read`` per group of small ones."""

    def __init__(
        self, client: ArtifactClient, to_fetch: dict[str, list[Path]], urls: dict[str, str], cache: Any
    ) -> None:
        self.client = client
        self.to_fetch = to_fetch
        self.urls = urls
        self.cache = cache
        self.unsupported = threading.Event()  # an older server without POST /blobs/read: GETs

    def fetch(self, job: tuple[str, list[str]]) -> None:
        kind, digests = job
        if kind == "get":
            self.fetch_one(digests[0])
        else:
            self.fetch_batch(digests)

    def fetch_one(self, digest: str) -> None:
        client, cache = self.client, self.cache
        dests, url = self.to_fetch[digest], self.urls[digest]
        if cache is not None:
            with_retry(lambda: _into_cache(client, cache, digest, url), f"downloading blob {digest[:12]}")
            for dest in dests:
                cache.place(digest, dest)
            return
        with_retry(lambda: _into_file(client, digest, url, dests[0]), f"downloading {dests[0].name}")
        for dest in dests[1:]:
            _replace_with_copy(dests[0], dest)

    def fetch_batch(self, group: list[str]) -> None:
        """One request for the group; a retry asks only for the blobs not stored yet."""
        stored: set[str] = set()

        def sink_for(digest: str, size: int) -> Any:
            return _stored_blob(self.cache, digest, self.to_fetch[digest], stored)

        def once() -> None:
            self.client.read_blobs([d for d in group if d not in stored], sink_for)

        if not self.unsupported.is_set():
            try:
                with_retry(once, f"downloading {len(group)} blobs")
                return
            except NotImplementedError:
                self.unsupported.set()
        for digest in group:
            if digest not in stored:
                self.fetch_one(digest)


@contextmanager
def _stored_blob(cache: Any, digest: str, dests: list[Path], stored: set[str]) -> Iterator[Any]:
    """Where one blob of a framed answer goes: the cache (hashed on the way; a mismatch stores
    nothing and is :class:`DigestMismatch`), then placed at every destination; without a cache,
    a verified file at the first destination and copies at the others."""
    if cache is not None:
        try:
            with cache.writer(digest) as sink:
                yield sink
        except ValueError as exc:  # the cache's writer refuses bytes that are not ``digest``
            raise DigestMismatch(f"blob {digest} arrived corrupted ({exc}); nothing was placed") from None
        for dest in dests:
            cache.place(digest, dest)
    else:
        with _verified_file(dests[0], digest) as sink:
            yield sink
        for dest in dests[1:]:
            _replace_with_copy(dests[0], dest)
    stored.add(digest)


def _into_cache(client: ArtifactClient, cache: Any, digest: str, url: str) -> None:
    try:
        with cache.writer(digest) as sink:
            client.fetch(url, sink)
    except ValueError as exc:  # the cache's writer refuses bytes that are not ``digest``
        raise DigestMismatch(f"blob {digest} arrived corrupted ({exc}); nothing was placed") from None


def _into_file(client: ArtifactClient, digest: str, url: str, dest: Path) -> None:
    with _verified_file(dest, digest) as sink:
        client.fetch(url, sink)


class _HashingWriter:
    """A file sink that hashes what it writes."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.hasher = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        self.hasher.update(data)
        self.size += len(data)
        return self.f.write(data)


@contextmanager
def _verified_file(dest: Path, digest: str | None) -> Iterator[_HashingWriter]:
    """Write next to ``dest`` and move it there only when the SHA-256 is ``digest`` (None: any)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name[:50]}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            writer = _HashingWriter(f)
            yield writer
        got = writer.hasher.hexdigest()
        if digest is not None and got != digest:
            raise DigestMismatch(f"{dest.name}: expected SHA-256 {digest}, got {got}; nothing was placed")
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _replace_with_copy(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name[:50]}.{threading.get_ident()}.part")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def _fetch_reference(
    client: ArtifactClient, name: str, info: dict[str, Any], dest: Path, *, allow_missing: bool
) -> None:
    uri = str(info["ref"])
    digest = str(info.get("digest", ""))
    checked = (info.get("extra") or {}).get("checksum") is not False
    checksum = digest if checked and _SHA256.fullmatch(digest) else None
    scheme = urlsplit(uri).scheme
    try:
        if scheme == "file":
            source = Path(unquote(urlsplit(uri).path))
            if checksum is not None and checksum == _unchecked_file_token(uri, source):
                checksum = None  # add_reference(checksum=False): the digest names the file, not its bytes
            with _verified_file(dest, checksum) as sink, source.open("rb") as f:
                while chunk := f.read(_COPY_CHUNK):
                    sink.write(chunk)
        elif scheme in ("http", "https"):
            with _verified_file(dest, checksum) as sink:
                with_retry(lambda: client.fetch(uri, sink), f"downloading {uri[:100]}", retry_for=10.0)
        elif scheme == "s3":
            _fetch_s3(uri, dest, checksum, info)
        else:
            raise InvalidArgument(
                f"entry {name!r} references {uri[:200]!r}, which cannot be downloaded here",
                field="ref",
                hint="file://, http(s):// and s3:// references can be downloaded",
            )
    except (OSError, NotFound) as exc:
        if not allow_missing:
            raise NotFound(
                f"the reference {uri[:200]!r} of entry {name!r} cannot be read: {exc}",
                hint="pass allow_missing_references=True to download the rest",
            ) from None
        term.termwarn(f"skipping the missing reference {uri[:200]} ({name})")


def _unchecked_file_token(uri: str, source: Path) -> str | None:
    """The digest ``add_reference(file_uri, checksum=False)`` gives an unchanged file (a token of
    its URI, size and mtime: ``references._file_entry``), or None when the file is gone."""
    try:
        st = source.stat()
    except OSError:
        return None
    return hashlib.sha256(f"{uri}\n{st.st_size}\n{st.st_mtime_ns}".encode()).hexdigest()


def _fetch_s3(uri: str, dest: Path, checksum: str | None, info: dict[str, Any]) -> None:
    try:
        import boto3
    except ImportError:
        raise InvalidArgument(
            f"{uri[:200]} is an s3:// reference, which needs boto3", hint="pip install boto3"
        ) from None
    parts = urlsplit(uri)
    version = (info.get("extra") or {}).get("versionID")
    kwargs: dict[str, Any] = {"Bucket": parts.netloc, "Key": parts.path.lstrip("/")}
    if version:
        kwargs["VersionId"] = version
    try:
        body = boto3.client("s3").get_object(**kwargs)["Body"]
    except Exception as exc:  # botocore's errors: a missing key or bucket
        raise NotFound(f"s3 object {uri[:200]} cannot be read: {exc}") from None
    with _verified_file(dest, checksum) as sink:
        while chunk := body.read(_COPY_CHUNK):
            sink.write(chunk)
