"""Console capture seen from a user's process: everything is copied, nothing is changed or lost."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from trackwell.schema.records import OutputLine
from trackwell.sdk.context.console import ConsoleCapture

CHILD = textwrap.dedent(
    r"""
    import json, logging, os, subprocess, sys, time
    from trackwell.sdk.context.console import ConsoleCapture

    final, deliveries, calls = {}, {}, []

    def on_lines(batch):
        calls.append(len(batch))
        for line in batch:
            final[line.line] = [line.stream, line.text]
            deliveries[line.line] = deliveries.get(line.line, 0) + 1
        if len(calls) == 1:  # a callback that prints and logs must not deadlock
            print("callback printed")
            logging.getLogger("child").warning("callback logged")

    capture = ConsoleCapture(on_lines, flush_interval=0.05)
    capture.start()
    print("hello stdout")
    print("to stderr", file=sys.stderr)
    print("\x1b[32mgreen\x1b[0m")
    time.sleep(0.3)  # let the first delivery (whose callback prints and logs) happen before the bar
    for i in range(300):
        sys.stderr.write(f"\rtraining {i}/299 |" + "#" * (i // 30))
        sys.stderr.flush()
        time.sleep(0.001)
    sys.stderr.write("\n")
    os.write(1, b"raw fd write\n")
    subprocess.run([sys.executable, "-c", "print('from grandchild')"], check=True)
    try:
        from tqdm import tqdm
    except ImportError:
        pass
    else:
        for _ in tqdm(range(50), desc="tqdm bar", mininterval=0):
            time.sleep(0.001)
    time.sleep(0.2)
    capture.stop()
    print("after stop")
    with open(sys.argv[1], "w") as f:
        json.dump({"final": final, "deliveries": deliveries, "calls": calls}, f)
    """
)


def test_child_process_output_is_teed_and_captured_line_by_line(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    result_file = tmp_path / "result.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, str(script), str(result_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    # The process's own output is unchanged (tee), including what bypasses sys.stdout.
    for text in ("hello stdout", "\x1b[32mgreen\x1b[0m", "raw fd write", "from grandchild", "after stop"):
        assert text in done.stdout
    assert "training 299/299" in done.stderr

    result = json.loads(result_file.read_text())
    final = {int(k): tuple(v) for k, v in result["final"].items()}
    ordered = [final[k] for k in sorted(final)]
    stdout = [text for stream, text in ordered if stream == "stdout"]
    stderr = [text for stream, text in ordered if stream == "stderr"]
    program_stdout = [t for t in stdout if t != "callback printed"]
    assert program_stdout == ["hello stdout", "\x1b[32mgreen\x1b[0m", "raw fd write", "from grandchild"]
    assert "callback printed" in stdout
    bar_lines = [t for t in stderr if t.startswith("training")]
    assert bar_lines == ["training 299/299 |" + "#" * 9]  # ONE line, in its final state
    assert "after stop" not in stdout
    assert any("callback logged" in t for t in stderr)
    tqdm_lines = [t for t in stderr if t.startswith("tqdm bar")]
    if importlib.util.find_spec("tqdm") is not None:  # the real thing, when installed
        assert len(tqdm_lines) == 1 and "50/50" in tqdm_lines[0], tqdm_lines
    else:
        assert tqdm_lines == []

    # The bar was redrawn 300 times but delivered only a few times (batched per flush interval).
    bar_number = next(k for k, v in final.items() if v[1].startswith("training"))
    assert result["deliveries"][str(bar_number)] < 100


def test_wrap_mode_captures_python_writes_and_restores_streams() -> None:
    received: list[OutputLine] = []
    original_stdout, original_stderr = sys.stdout, sys.stderr
    capture = ConsoleCapture(received.extend, flush_interval=0.05, mode="wrap")
    capture.start()
    assert sys.stdout is not original_stdout
    print("line one")
    sys.stderr.write("\rprogress 1\rprogress 2")
    sys.stderr.write("\n")
    capture.stop()
    assert sys.stdout is original_stdout and sys.stderr is original_stderr
    latest = {line.line: (line.stream, line.text) for line in received}
    assert sorted(latest.values()) == [("stderr", "progress 2"), ("stdout", "line one")]
    print("not captured")
    assert all(line.text != "not captured" for line in received)

    capture.start()  # a stopped capture can be started again (a second run in one process)
    print("second run")
    capture.stop()
    assert received[-1].text == "second run"


def test_a_callback_that_prints_and_logs_does_not_deadlock() -> None:
    delivered = threading.Event()
    logger = logging.getLogger("test_console_reentrant")

    def noisy(lines: list[OutputLine]) -> None:
        print(f"callback saw {len(lines)} lines")
        logger.warning("callback logging")
        delivered.set()

    capture = ConsoleCapture(noisy, flush_interval=0.02)
    capture.start()
    try:
        print("trigger")
        assert delivered.wait(5.0)
    finally:
        capture.stop()


def test_a_failing_callback_never_breaks_the_program() -> None:
    def broken(lines: list[OutputLine]) -> None:
        raise RuntimeError("uploader is down")

    capture = ConsoleCapture(broken, flush_interval=0.02)
    capture.start()
    print("still fine")
    capture.stop()  # no exception escapes
