"""``cache_placement.place_many``: what a cached download does for every file at once. The same checks as
``get`` + ``place`` (size, the mtime tag that betrays an edit through a link), the same choice of
link or copy, files already at the destination replaced, and the ones it could not place named."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from trackwell.artifacts.cache_placement import place_many, reflinks_work
from trackwell.artifacts.file_cache import FileCache


def _put(cache: FileCache, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    with cache.writer(digest) as w:
        w.write(data)
    return digest


@pytest.fixture
def cache(tmp_path: Path) -> FileCache:
    return FileCache(tmp_path / "cache", max_size=10**9)


@pytest.mark.parametrize("mode", ["link", "copy", "auto"])
def test_places_cached_files_and_names_the_rest(
    mode: str, cache: FileCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKWELL_CACHE_PLACE", mode)
    good = _put(cache, b"good bytes")
    other = _put(cache, b"other bytes")
    corrupt = _put(cache, b"will be edited")
    cached = cache.path_for(corrupt)
    os.chmod(cached, 0o644)
    cached.write_bytes(b"will be EDITED")  # same size, new mtime: the tag is gone
    out = tmp_path / "out"
    out.mkdir()
    (out / "existing.txt").write_text("old content")
    items = [
        (good, 10, str(out / "a.txt")),
        (good, 10, str(out / "b.txt")),
        (other, 11, str(out / "existing.txt")),
        (corrupt, 14, str(out / "c.txt")),
        (hashlib.sha256(b"never cached").hexdigest(), 12, str(out / "d.txt")),
        (other, 999, str(out / "e.txt")),  # the manifest says another size
    ]
    assert place_many(cache, items) == [3, 4, 5]
    assert (out / "a.txt").read_bytes() == (out / "b.txt").read_bytes() == b"good bytes"
    assert (out / "existing.txt").read_bytes() == b"other bytes"
    assert not (out / "c.txt").exists() and not cached.exists(), "a corrupt entry is dropped, never served"
    shares = os.stat(out / "a.txt").st_ino == os.stat(cache.path_for(good)).st_ino
    assert shares == (mode == "link" or (mode == "auto" and os.geteuid() != 0 and not _reflinks(tmp_path)))
    if not shares:  # a copy (or clone): editing it leaves the cache alone
        (out / "a.txt").write_bytes(b"edited!!!!")
        assert cache.get(good, 10) is not None


def _reflinks(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    return reflinks_work(probe)
