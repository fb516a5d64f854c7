"""One ``file_stream`` request of the official client, applied idempotently (section 3.3).

History and system-metric lines are appended at the client's 0-based line ``offset``: the offset is
the record's sequence number in its session, so a retried request is skipped line by line and a
line is never stored twice. The summary (the whole summary, each time), console lines (which may
overwrite earlier lines by number) and the final exit replace what they describe, so they are
applied as the next records of a session of their own. ``complete`` with ``exitcode`` ends the run:
0 finished, 255 killed (a run the server stopped), anything else failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from trackwell.schema.errors import InvalidArgument, SequenceGap
from trackwell.schema.records import (
    ExitRecord,
    HistoryRecord,
    OutputRecord,
    Record,
    RecordBatch,
    StatsRecord,
    SummaryRecord,
)
from trackwell.service.access import Action
from trackwell.service.records import RecordService
from trackwell.service.wandb_wire import translate
from trackwell.service.wandb_wire.runs import EVENTS_SESSION, HISTORY_SESSION, STATE_SESSION, WandbRuns
from trackwell.store.base import Database, Principal, RunKey

HISTORY_FILE = "wandb-history.jsonl"
EVENTS_FILE = "wandb-events.jsonl"
SUMMARY_FILE = "wandb-summary.json"
OUTPUT_FILE = "output.log"
KILLED_EXIT_CODE = 255  # what the client reports for a run the server stopped


class FileStream:
    def __init__(
        self,
        db: Database,
        wandb_runs: WandbRuns,
        records: RecordService,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._wandb_runs = wandb_runs
        self._records = records
        self._clock = clock

    def apply(self, principal: Principal, key: RunKey, body: dict[str, Any]) -> dict[str, Any]:
        """Applies the request; the answer tells the client whether to stop (``stopped``)."""
        self._wandb_runs.authorize(principal, Action.PROJECT_WRITE, key)
        files = body.get("files") or {}
        if not isinstance(files, dict):
            raise InvalidArgument("files must be an object of file name -> {offset, content}", field="files")
        stop = False
        history = _chunk(files, HISTORY_FILE)
        if history is not None:
            stop |= self._append(key, HISTORY_SESSION, history[0], [_history(line) for line in history[1]])
        events = _chunk(files, EVENTS_FILE)
        if events is not None:
            stop |= self._append(key, EVENTS_SESSION, events[0], [_stats(line) for line in events[1]])
        latest: list[Record] = []
        output = _chunk(files, OUTPUT_FILE)
        if output is not None:
            now = self._clock()
            lines = [translate.output_line(output[0] + i, text, now) for i, text in enumerate(output[1])]
            latest.append(OutputRecord(seq=0, lines=lines))
        summary = _chunk(files, SUMMARY_FILE)
        if summary is not None and summary[1]:
            latest.append(SummaryRecord(seq=0, values=translate.summary_values(summary[1][-1])))
        if body.get("complete"):
            latest.append(self._exit(key, body.get("exitcode")))
        if latest:
            ack = self._records.apply_latest(key, STATE_SESSION, latest)
            stop |= ack.stop_requested
        elif history is None and events is None:
            stop |= self._records.apply(key, RecordBatch(session_id=STATE_SESSION, records=[])).stop_requested
        return {"exitcode": None, "limits": {}, "stopped": stop} if stop else {"exitcode": None, "limits": {}}

    def _append(self, key: RunKey, session: str, offset: int, records: list[Record]) -> bool:
        numbered = [r.model_copy(update={"seq": offset + i}) for i, r in enumerate(records)]
        batch = RecordBatch(session_id=session, records=numbered)
        try:
            return self._records.apply(key, batch).stop_requested
        except SequenceGap as gap:
            if gap.expected_seq != 0:
                raise
        # A session's first lines start past 0 when the run was resumed by this client after
        # another session (or the Trackwell SDK) logged it: the client took the offset from the
        # line count RunResumeStatus gave it, so the session starts there.
        self._start_session_at(key, session, offset)
        return self._records.apply(key, batch).stop_requested

    def _start_session_at(self, key: RunKey, session: str, offset: int) -> None:
        with self._db.begin() as conn:
            stored = self._db.runs.get_run(conn, key, lock=True)
            if stored is not None and self._db.runs.session_applied(conn, stored.pk, session) == -1:
                self._db.runs.set_session_applied(conn, stored.pk, session, offset - 1)

    def _exit(self, key: RunKey, exitcode: Any) -> ExitRecord:
        code = int(exitcode) if isinstance(exitcode, int) and not isinstance(exitcode, bool) else 0
        state = "finished" if code == 0 else "killed" if code == KILLED_EXIT_CODE else "failed"
        run = self._wandb_runs.runs.get(key)
        runtime = max(run.runtime, self._clock() - run.created_at) if run.runtime == 0 else run.runtime
        return ExitRecord(seq=0, state=state, exit_code=code, runtime=runtime)


def _chunk(files: dict[str, Any], name: str) -> tuple[int, list[str]] | None:
    entry = files.get(name)
    if entry is None:
        return None
    offset = entry.get("offset", 0) if isinstance(entry, dict) else None
    content = entry.get("content", []) if isinstance(entry, dict) else None
    if not isinstance(offset, int) or offset < 0 or not isinstance(content, list):
        raise InvalidArgument(
            f"files[{name!r}] must be {{offset: a line index >= 0, content: [lines]}}", field=f"files.{name}"
        )
    if not all(isinstance(line, str) for line in content):
        raise InvalidArgument(f"files[{name!r}].content must hold strings", field=f"files.{name}")
    return offset, content


def _history(line: str) -> HistoryRecord:
    step, timestamp, runtime, values = translate.history_row(line)
    return HistoryRecord(
        seq=0, step=step if step is not None else 0, timestamp=timestamp, runtime=runtime, values=values
    )


def _stats(line: str) -> StatsRecord:
    timestamp, runtime, values = translate.events_row(line)
    return StatsRecord(seq=0, timestamp=timestamp, runtime=runtime, values=values)
