"""The progress line (``trackwell.sdk.progress``) on a real pseudo-terminal and on a pipe."""

from __future__ import annotations

import io
import os
import re
import time

from trackwell.sdk.progress import Progress, duration_text, size_text


def _tty() -> tuple[io.TextIOWrapper, int]:
    master, slave = os.openpty()
    return open(slave, "w", encoding="utf-8", closefd=True), master


def _read(master: int) -> str:
    """Everything written to the terminal so far (a pty hands it over in pieces)."""
    os.set_blocking(master, False)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except BlockingIOError:
            return b"".join(chunks).decode()
        if not chunk:
            return b"".join(chunks).decode()
        chunks.append(chunk)


def test_draws_on_a_terminal_with_counts_rate_and_time_left() -> None:
    stream, master = _tty()
    try:
        with Progress("syncing", total_items=4, total_bytes=4 << 20, stream=stream) as bar:
            assert bar.enabled
            time.sleep(0.15)
            bar.advance(items=1, nbytes=1 << 20)
        shown = _read(master)
    finally:
        stream.close()
        os.close(master)
    assert "\r\x1b[2Ktrackwell: syncing  1/4 runs  1.0 MiB/4.0 MiB  " in shown
    assert "MiB/s" in shown and " left" in shown and shown.endswith("\n")


def test_a_pipe_or_a_silenced_terminal_gets_nothing() -> None:
    piped = io.StringIO()
    with Progress("exporting", total_items=2, stream=piped) as bar:
        bar.advance(items=2)
    assert piped.getvalue() == "" and not bar.enabled
    stream, master = _tty()
    try:
        with Progress("exporting", total_items=2, stream=stream, enabled=False) as quiet:
            quiet.advance(items=2)
        assert _read(master) == ""
    finally:
        stream.close()
        os.close(master)


def test_delay_keeps_short_waits_silent_and_watch_polls_a_counter() -> None:
    stream, master = _tty()
    sent = [0]
    try:
        with Progress("sending", total_bytes=100, stream=stream, delay=5.0) as short:
            short.watch(lambda: sent[0], interval=0.01)
            sent[0] = 50
            time.sleep(0.1)
        assert _read(master) == ""  # finished before the delay: nothing drawn
        with Progress("sending", total_bytes=100, stream=stream, delay=0.05) as long:
            long.watch(lambda: sent[0], interval=0.01)
            shown = ""
            deadline = time.monotonic() + 10
            while "50 B/100 B" not in shown and time.monotonic() < deadline:  # drawn while waiting
                time.sleep(0.01)
                shown += _read(master)
            sent[0] = 100
        shown += _read(master)
    finally:
        stream.close()
        os.close(master)
    drawn = re.findall(r"trackwell: sending  [^\r\n\x1b]*", shown)
    assert drawn[0].startswith("trackwell: sending  50 B/100 B")  # polled while waiting
    assert drawn[-1].startswith("trackwell: sending  100 B/100 B")  # and once more at the end


def test_sizes_and_durations_read_naturally() -> None:
    assert size_text(512) == "512 B" and size_text(3 << 20) == "3.0 MiB" and size_text(5 << 30) == "5.0 GiB"
    assert duration_text(65) == "1:05" and duration_text(3725) == "1:02:05" and duration_text(-3) == "0:00"
