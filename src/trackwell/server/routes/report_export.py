"""Export a report (issue 16): ``GET .../{report_id}/export.html`` (one self-contained HTML file,
charts as images) and ``.../export.pdf`` (the same page printed; 501 naming the ``pdf`` extra
without WeasyPrint). Readers of the project; ``?version=N`` for an older version."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from trackwell.server.deps import READS_PROJECT, CurrentUser, EntityPath, ProjectPath, ServicesDep
from trackwell.server.routes.reports import ReportIdPath

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

VersionQuery = Annotated[int | None, Query(ge=1, description="A version; absent: the newest.")]
FormatPath = Annotated[Literal["html", "pdf"], Path(description="html or pdf.")]
EXPORT = "/{entity}/{project}/{report_id}/export.{file_format}"
_ANSWERS: dict[int | str, dict[str, Any]] = {
    501: {"description": "The server lacks the library this format needs (named in the error)."}
}


def attachment(title: str, extension: str) -> str:
    """A Content-Disposition that saves the file under the report's title: an ASCII ``filename``
    for old clients and the UTF-8 ``filename*`` (RFC 6266), never a path, quote or control code."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in title)
    cleaned = re.sub(r'[\\/:*?"<>|;,]+', " ", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-")[:120] or "report"
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()\[\]+=~-]+", "", ascii_name).strip(" .-") or "report"
    return (
        f'attachment; filename="{ascii_name}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{cleaned}.{extension}', safe='')}"
    )


@router.get(EXPORT, response_class=Response, responses=_ANSWERS, dependencies=[READS_PROJECT])
def export_report(
    request: Request,
    entity: EntityPath,
    project: ProjectPath,
    report_id: ReportIdPath,
    file_format: FormatPath,
    user: CurrentUser,
    services: ServicesDep,
    version: VersionQuery = None,
) -> Response:
    """The report as one static HTML file (``export.html``: CSS inline, charts and images embedded,
    no script) or as that page printed to PDF (``export.pdf``; 501 without the ``pdf`` extra)."""
    live = f"{str(request.base_url).rstrip('/')}/{quote(entity)}/{quote(project)}/reports/{report_id}"
    exported = services.report_export.export(user, entity, project, report_id, version, live, file_format)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={
            "Content-Disposition": attachment(exported.report.title, file_format),
            "Cache-Control": "private, no-store",
        },
    )
