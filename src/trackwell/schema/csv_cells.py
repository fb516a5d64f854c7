"""The text of one CSV cell, safe to open in a spreadsheet: every CSV the product writes goes through
here (the table viewer's export, ``trackwell export``).

A spreadsheet reads a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@`` (Excel and
LibreOffice also after leading tabs, carriage returns, line feeds or spaces; Excel in East Asian
locales also for the full-width ``＝ ＋ － ＠``). A formula can run commands through DDE
(``-1+1+cmd|' /C calc'!A0``) or send data away (``=HYPERLINK(...)``, ``=WEBSERVICE(...)``). As OWASP
advises, such a cell gets a leading apostrophe, which spreadsheets show as text and never evaluate.

Real numbers stay numbers: a cell that is entirely a decimal number (``-1.5``, ``+3``, ``-.5``,
``1e-3``, ``-2E+10``) is written as it is, and so are the spellings of non-finite floats that
Trackwell writes everywhere (``NaN``, ``Infinity``, ``-Infinity``): a spreadsheet reads
``-Infinity`` as a name it does not know (``#NAME?``), which can neither call a function nor
reach another program. Anything else that starts like a formula is defused, ``-.5+A1`` included.

Standard library only, so the SDK's ``Api``, the CLI and the server's services can all import it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Characters that make a spreadsheet evaluate the cell, ASCII and full-width.
_TRIGGERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Cells led by these are defused whatever follows (OWASP: tab and carriage return; line feed too).
_CONTROL_LEAD = frozenset("\t\r\n")
# Leading characters a spreadsheet may skip before it looks for a trigger.
_SKIPPED = " \t\r\n\x0b\x0c\u00a0\u3000"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})


def formula_safe(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    if not text:
        return text
    if text[0] in _CONTROL_LEAD:
        return "'" + text
    if text.lstrip(_SKIPPED)[:1] not in _TRIGGERS:
        return text
    if _NUMBER.fullmatch(text) or text in _NON_FINITE:
        return text
    return "'" + text


def cell_text(value: Any) -> str:
    """A JSON value as CSV cell text: numbers as numbers, NaN/Infinity spelled out, ``None`` empty,
    booleans ``true``/``false``, media references their path (else caption, else their type), other
    lists and objects their JSON text; text that would run as a formula defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return formula_safe(value)
    if isinstance(value, dict) and isinstance(value.get("_type"), str):
        shown = value.get("path") or value.get("caption") or f"[{value['_type']}]"
        return formula_safe(str(shown))
    return formula_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))
