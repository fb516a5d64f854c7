"""The local store's streaming writes: a blob or a part is written as its request body arrives,
straight to its file (no spooled copy, no per-part files, no rewrite on completion), and still
nothing is ever visible under a digest before its bytes are whole, durable and verified."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base.blobs import UploadBusy, completion_stale_after
from trackwell.store.blobs import LocalBlobStore
from trackwell.store.blobs.common import WritesInPlace

MIB = 1 << 20
PART = 5 * MIB


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tmp_entries(store: LocalBlobStore) -> list[str]:
    return sorted(p.name for p in (store.root / "tmp").iterdir() if p.name != "uploads")


def test_the_local_store_takes_bodies_as_streams(tmp_path: Path) -> None:
    assert isinstance(LocalBlobStore(tmp_path), WritesInPlace)


def test_concurrent_writers_never_expose_a_partial_blob(tmp_path: Path) -> None:
    """Eight writers stream the same 4 MiB in 64 KiB pieces while a reader keeps opening the
    digest's name: whenever the name exists it holds every byte, and one writer created it."""
    store = LocalBlobStore(tmp_path)
    data = os.urandom(4 * MIB)
    digest = sha(data)
    final = store.path_for(digest)
    stop = threading.Event()
    seen: list[str] = []

    def read_while_written() -> None:
        while not stop.is_set():
            try:
                with open(final, "rb") as handle:
                    seen.append(sha(handle.read()))
            except FileNotFoundError:
                time.sleep(0.0005)

    def write() -> bool:
        with store.open_writer(digest) as writer:
            for i in range(0, len(data), 64 << 10):
                writer.write(data[i : i + (64 << 10)])
            return writer.commit().created

    reader = threading.Thread(target=read_while_written)
    reader.start()
    created: list[bool] = []
    writers = [threading.Thread(target=lambda: created.append(write())) for _ in range(8)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    time.sleep(0.05)
    stop.set()
    reader.join()
    assert sorted(created) == [False] * 7 + [True]
    assert seen and set(seen) == {digest}  # read many times, never anything but the whole blob
    assert final.read_bytes() == data
    assert tmp_entries(store) == []  # every writer's temporary file is gone


def test_a_writer_with_the_wrong_digest_or_left_unfinished_stores_nothing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    claimed = sha(b"what the client hashed")
    with store.open_writer(claimed) as writer:
        writer.write(b"what the client sent")
        with pytest.raises(InvalidArgument) as info:
            writer.commit()
    assert info.value.field == "sha256" and claimed in info.value.message
    assert not store.exists(claimed) and tmp_entries(store) == []
    with store.open_writer(None) as writer:  # the client went away mid-body
        writer.write(b"half")
        assert tmp_entries(store) != []
    assert tmp_entries(store) == [] and list(tmp_path.glob("??/??/*")) == []
    with pytest.raises(ValueError):
        writer.write(b"more")


def test_publishing_makes_a_shard_folder_only_when_missing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    first, second = b"a" * 10, b"b" * 10
    assert store.put(first).created
    store.path_for(sha(second)).parent.mkdir(parents=True, exist_ok=True)  # already there
    assert store.put(second).created and not store.put(second).created
    with store.open(sha(second)) as handle:
        assert handle.read() == second


def _session(store: LocalBlobStore, data: bytes):  # type: ignore[no-untyped-def]
    return store.create_upload(sha(data), len(data), PART, now=time.time())


def _send(store: LocalBlobStore, upload_id: str, n: int, data: bytes) -> None:
    chunk = data[(n - 1) * PART : n * PART]
    with store.open_part_writer(upload_id, n, len(chunk)) as writer:
        for i in range(0, len(chunk), MIB):
            writer.write(chunk[i : i + MIB])
        writer.commit()


def test_parts_are_written_in_place_and_completion_only_reads(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    data = os.urandom(2 * PART + 999)
    state = _session(store, data)
    folder = tmp_path / "tmp" / "uploads" / state.upload_id
    for n in (3, 1, 2):
        _send(store, state.upload_id, n, data)
    # One file at the blob's size plus a marker per durable part: no copy of any part.
    assert sorted(p.name for p in folder.iterdir()) == [
        "data",
        "done-00001",
        "done-00002",
        "done-00003",
        "session.json",
    ]
    assert (folder / "data").stat().st_size == len(data)
    inode = (folder / "data").stat().st_ino
    result = store.complete_upload(state.upload_id, [])
    assert result.created and result.info.sha256 == sha(data)
    assert store.path_for(sha(data)).stat().st_ino == inode  # published by a link, not rewritten
    assert store.path_for(sha(data)).read_bytes() == data
    with pytest.raises(NotFound):  # the session is gone: a late part cannot reach the blob
        store.open_part_writer(state.upload_id, 1, PART)


def test_a_part_still_arriving_makes_complete_busy_not_a_changing_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    data = os.urandom(PART + 10)
    state = _session(store, data)
    _send(store, state.upload_id, 1, data)
    _send(store, state.upload_id, 2, data)
    straggler = store.open_part_writer(state.upload_id, 2, 10)  # a retry of part 2, in flight
    with pytest.raises(InvalidArgument):  # that part is not done while it is being sent again
        store.complete_upload(state.upload_id, [])
    # A completion that listed the parts just before the retry unmarked part 2 gets as far as
    # sealing, which waits for no writer: busy, and nothing is published.
    folder = tmp_path / "tmp" / "uploads" / state.upload_id
    (folder / "done-00002").touch()
    with pytest.raises(UploadBusy) as info:
        store.complete_upload(state.upload_id, [])
    assert "part arriving" in info.value.message and not store.exists(sha(data))
    straggler.write(data[PART:])
    straggler.commit()
    assert store.complete_upload(state.upload_id, []).info.sha256 == sha(data)
    assert store.path_for(sha(data)).read_bytes() == data


def test_a_part_sent_again_is_not_done_until_it_is_whole(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    data = os.urandom(PART + 10)
    state = _session(store, data)
    _send(store, state.upload_id, 1, data)
    _send(store, state.upload_id, 2, data)
    with store.open_part_writer(state.upload_id, 1, PART) as again:
        again.write(b"\0" * 100)  # then the connection drops
    assert store.get_upload(state.upload_id).missing_parts() == [1]
    with pytest.raises(InvalidArgument) as info:
        store.complete_upload(state.upload_id, [])
    assert info.value.field == "parts"
    _send(store, state.upload_id, 1, data)
    assert store.complete_upload(state.upload_id, []).info.sha256 == sha(data)
    state2 = _session(store, data + b"!")
    # A part of the wrong size is refused while written.
    with pytest.raises(InvalidArgument), store.open_part_writer(state2.upload_id, 2, 11) as writer:
        writer.write(b"x" * 12)
    with pytest.raises(InvalidArgument):  # and a size the session does not have, before any byte
        store.open_part_writer(state2.upload_id, 2, 12)
    assert store.get_upload(state2.upload_id).missing_parts() == [1, 2]


def test_a_completion_that_died_after_sealing_is_finished_by_the_retry(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    data = os.urandom(PART + 10)
    state = _session(store, data)
    _send(store, state.upload_id, 1, data)
    _send(store, state.upload_id, 2, data)
    folder = tmp_path / "tmp" / "uploads" / state.upload_id
    os.replace(folder / "data", folder / "sealed")  # sealed, then that server died
    marker = folder / "completing"
    marker.touch()
    long_ago = time.time() - completion_stale_after(state.size) - 5
    os.utime(marker, (long_ago, long_ago))
    with pytest.raises(UploadBusy):  # a part sent now cannot reach the sealed file
        store.open_part_writer(state.upload_id, 1, PART)
    assert store.complete_upload(state.upload_id, []).info.sha256 == sha(data)
    assert store.path_for(sha(data)).read_bytes() == data


def test_a_session_of_the_older_layout_is_passed_over(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    data = os.urandom(100)
    old = _session(store, data)
    folder = tmp_path / "tmp" / "uploads" / old.upload_id
    (folder / "data").unlink()
    (folder / "part-00001").write_bytes(data)  # what an older server kept
    assert store.find_upload(sha(data), len(data)) is None
    fresh = _session(store, data)
    _send(store, fresh.upload_id, 1, data)
    assert store.complete_upload(fresh.upload_id, []).info.sha256 == sha(data)


def test_a_blob_and_its_name_are_durable_before_put_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``put`` fsyncs, in order: the bytes (under their temporary name) before the link,
    then the folders the link and any new shard folders were written to."""
    store = LocalBlobStore(tmp_path)
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    data = b"durable"
    final = store.path_for(sha(data))
    store.put(data)
    assert synced[0].startswith(str(tmp_path / "tmp" / "put-"))  # the bytes, before any name
    assert synced[1:] == [str(final.parent), str(final.parent.parent), str(tmp_path)]
    synced.clear()
    assert not store.put(data).created  # stored already (perhaps by a writer not yet synced)
    assert synced[1:] == [str(final.parent)]  # the shard exists: only the link's folder
