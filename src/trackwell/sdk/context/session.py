"""One run's context capture, started and stopped as a unit: the only thing ``init()`` needs to wire.

Turns each component's callback into a record dict (``schema/records.py`` fields, without ``seq``:
the processor numbers records) and hands it to ``record``, which the SDK binds to its queue
(``Run._record``). Metadata is collected on its own thread so ``init()`` returns at once.

Example (in ``init()``)::

    session = ContextSession(run._record, run_dir / "files", ContextOptions.from_process(...),
                             console=settings.console, stats_interval=settings.stats_interval)
    session.start()
    run._file_saver = session.files
    run._on_finish.append(lambda run: session.stop())
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.sdk.context.console import ConsoleCapture, Mode
from trackwell.sdk.context.files import FileSaver
from trackwell.sdk.context.options import ContextOptions
from trackwell.sdk.context.system_metrics import SystemMonitor
from trackwell.sdk.wire import OutputLine

log = logging.getLogger(__name__)

RecordSink = Callable[[dict[str, Any]], None]
METADATA_JOIN_S = 10.0  # stop() waits this long for a slow metadata capture (huge repo)


class ContextSession:
    """Metadata, console, system metrics and ``run.save()`` for one run.

    ``console``: ``"off"`` or a :class:`ConsoleCapture` mode; ``stats_interval=None`` disables the
    system monitor; ``disable_meta`` skips metadata collection.
    """

    def __init__(
        self,
        record: RecordSink,
        files_dir: Path,
        options: ContextOptions,
        *,
        console: str = "auto",
        stats_interval: float | None = 10.0,
        disable_meta: bool = False,
        start_time: float | None = None,
    ) -> None:
        self._record = record
        self._files_dir = files_dir
        self._options = options
        self._start = time.time() if start_time is None else start_time
        self._disable_meta = disable_meta
        self._meta_thread: threading.Thread | None = None
        self.console = (
            ConsoleCapture(self._on_lines, mode=_console_mode(console)) if console != "off" else None
        )
        self.monitor = SystemMonitor(stats_interval, self._on_sample) if stats_interval else None
        self.files = FileSaver(files_dir, self._on_file, cwd=options.cwd)

    def start(self) -> None:
        if self.console is not None:
            self.console.start()
        if self.monitor is not None:
            self.monitor.start()
        # Last: this thread imports git/psutil/package-metadata code at once, and every thread
        # started after it would wait for the GIL behind those imports inside init().
        if not self._disable_meta:
            self._meta_thread = threading.Thread(target=self._collect, name="trackwell-metadata", daemon=True)
            self._meta_thread.start()

    def stop(self) -> None:
        """Stop console and monitor, save ``end`` files, and wait (bounded) for the metadata."""
        if self.console is not None:
            self.console.stop()
        if self.monitor is not None:
            self.monitor.stop()
        self.files.finish_files()
        if self._meta_thread is not None:
            self._meta_thread.join(METADATA_JOIN_S)

    def _collect(self) -> None:
        # Imported here, on the metadata thread: git, psutil and package metadata cost init() ~30 ms.
        from trackwell.sdk.context.metadata import collect_metadata

        try:
            context = collect_metadata(self._options, self._files_dir)
        except Exception:
            log.exception("collecting run metadata failed; the run goes on without it")
            return
        for path in context.files:
            self.files.save(str(self._files_dir / path), base_path=self._files_dir, policy="now")
        self._record({"kind": "meta", "metadata": context.metadata})

    def _on_lines(self, lines: list[OutputLine]) -> None:
        self._record({"kind": "output", "lines": [line.to_dict() for line in lines]})

    def _on_sample(self, timestamp: float, values: dict[str, float]) -> None:
        self._record(
            {"kind": "stats", "timestamp": timestamp, "runtime": timestamp - self._start, "values": values}
        )

    def _on_file(self, path: str, sha256: str, size: int, policy: str) -> None:
        self._record({"kind": "file", "path": path, "sha256": sha256, "size": size, "policy": policy})


def _console_mode(console: str) -> Mode:
    # wandb's "wrap" and "redirect" are honoured; anything else ("auto", wandb's "wrap_raw"...) is auto.
    if console in ("wrap", "redirect"):
        return "wrap" if console == "wrap" else "redirect"
    return "auto"
