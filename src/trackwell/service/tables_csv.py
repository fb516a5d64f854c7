"""CSV text of table rows, as the viewer's own export writes it (``web/src/lib/media.ts`` toCsv).

RFC 4180 with CRLF line ends; media cells become their file path (else caption, else their type);
other JSON cells their JSON text; text a spreadsheet would run as a formula (``= + @``, tab, CR, or
``-`` not starting a number) gets a leading apostrophe, as OWASP advises.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d.])")


def defuse(text: str) -> str:
    return f"'{text}" if _FORMULA.match(text) else text


def cell_text(value: Any) -> str:
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
        return defuse(value)
    if isinstance(value, dict) and isinstance(value.get("_type"), str):
        shown = value.get("path") or value.get("caption") or f"[{value['_type']}]"
        return defuse(str(shown))
    return defuse(orjson.dumps(value).decode())


def csv_lines(columns: list[str], batches: Iterable[list[list[Any]]]) -> Iterator[str]:
    """The header, then one chunk of text per batch of rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([defuse(c) for c in columns])
    yield buf.getvalue()
    for rows in batches:
        buf.seek(0)
        buf.truncate()
        writer.writerows([cell_text(v) for v in row] for row in rows)
        yield buf.getvalue()
