"""CSV text of table rows for the viewer's export: RFC 4180 with CRLF line ends; each cell's text
(and each header) from :mod:`trackwell.schema.csv_cells`, the one rule for every CSV the product
writes (media cells become their file path, formulas are defused, numbers stay numbers)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from trackwell.schema.csv_cells import cell_text, formula_safe


def csv_lines(columns: list[str], batches: Iterable[list[list[Any]]]) -> Iterator[str]:
    """The header, then one chunk of text per batch of rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([formula_safe(c) for c in columns])
    yield buf.getvalue()
    for rows in batches:
        buf.seek(0)
        buf.truncate()
        writer.writerows([cell_text(v) for v in row] for row in rows)
        yield buf.getvalue()
