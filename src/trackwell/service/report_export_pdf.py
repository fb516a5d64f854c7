"""An exported report as PDF: the export's HTML page printed by WeasyPrint (the ``pdf`` extra).

WeasyPrint's fetcher may open ``data:`` URLs only: the page embeds everything it shows, so any
other fetch could only be a mistake (or a URL someone hoped the server would follow for them).
"""

from __future__ import annotations

import importlib
from typing import Any

from trackwell.service.report_export_charts import ExportUnavailable


def html_to_pdf(page: str) -> bytes:
    try:
        weasyprint: Any = importlib.import_module("weasyprint")
    except ImportError:
        raise ExportUnavailable(
            "exporting a report to PDF needs WeasyPrint, which this server does not have",
            hint="install it on the server: pip install 'trackwell[pdf]' (and the Pango library, "
            "e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0); the HTML export works without it",
        ) from None
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    pdf: bytes = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    return pdf
