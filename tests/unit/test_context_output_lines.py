"""Console text -> numbered lines: what the run page's Logs tab shows for each kind of output."""

from __future__ import annotations

from trackwell.sdk.context.output_lines import LineAssembler


def _texts(assembler: LineAssembler) -> dict[int, tuple[str, str]]:
    return {line.line: (line.stream, line.text) for line in assembler.drain()}


def test_plain_lines_are_numbered_in_order_across_streams() -> None:
    a = LineAssembler(clock=lambda: 1.0)
    a.feed("stdout", "one\ntwo\n")
    a.feed("stderr", "warn\n")
    a.feed("stdout", "three\n\n")
    assert _texts(a) == {
        0: ("stdout", "one"),
        1: ("stdout", "two"),
        2: ("stderr", "warn"),
        3: ("stdout", "three"),
        4: ("stdout", ""),
    }


def test_progress_bar_redraws_stay_one_line_with_latest_content() -> None:
    a = LineAssembler()
    a.feed("stdout", "start\n")
    for i in range(1001):
        a.feed("stderr", f"\r{i / 10:5.1f}%|{'#' * (i // 100):<10}|")
    a.feed("stderr", "\n")
    a.feed("stdout", "done\n")
    lines = a.drain()
    assert [(line.line, line.text) for line in lines] == [
        (0, "start"),
        (1, "100.0%|##########|"),
        (2, "done"),
    ]


def test_a_redrawn_line_keeps_its_number_across_drains() -> None:
    a = LineAssembler()
    a.feed("stdout", "\rstep 1")
    assert _texts(a) == {0: ("stdout", "step 1")}
    a.feed("stdout", "\rstep 2")
    assert _texts(a) == {0: ("stdout", "step 2")}
    a.feed("stdout", "\rstep 3\nnext\n")
    assert _texts(a) == {0: ("stdout", "step 3"), 1: ("stdout", "next")}
    assert a.drain() == []


def test_crlf_ends_a_line_without_erasing_it() -> None:
    a = LineAssembler()
    a.feed("stdout", "windows line\r")
    a.feed("stdout", "\nnext\r\n")
    assert _texts(a) == {0: ("stdout", "windows line"), 1: ("stdout", "next")}


def test_partial_writes_and_interleaved_streams_keep_their_own_lines() -> None:
    a = LineAssembler()
    a.feed("stdout", "epoch 1: ")
    a.feed("stderr", "warning!\n")
    a.feed("stdout", "loss=0.5\n")
    assert _texts(a) == {0: ("stdout", "epoch 1: loss=0.5"), 1: ("stderr", "warning!")}


def test_ansi_colour_codes_are_kept_verbatim() -> None:
    a = LineAssembler()
    a.feed("stdout", "\x1b[31mred\x1b[0m plain\n")
    assert _texts(a) == {0: ("stdout", "\x1b[31mred\x1b[0m plain")}


def test_overlong_lines_are_wrapped_not_dropped() -> None:
    a = LineAssembler(max_line_chars=4)
    a.feed("stdout", "abcdefghij\n")
    assert [line.text for line in a.drain()] == ["abcd", "efgh", "ij"]
