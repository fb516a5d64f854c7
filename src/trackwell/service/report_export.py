"""Export a report's version as one static HTML file (charts as images) or as a PDF of that file.

The HTML is self-contained: CSS inline, every image a ``data:`` URI, no script and no request
when opened (its own Content-Security-Policy says so), every piece of user text escaped. The
panels are drawn from the same reads as the live report (``report_export_data``), by
``report_export_panels`` (charts: ``report_export_charts``), the text blocks by
``report_export_blocks``; the PDF is the same page printed by WeasyPrint (``report_export_pdf``).
Who may export: whoever may read the report; each run set's project and each embedded run file
is checked for the caller too, and one the caller may not read is named as missing, never shown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from trackwell.schema.errors import TrackwellError
from trackwell.schema.reports import PanelGridBlock, ReportOut, RunFileRef
from trackwell.service.artifacts import ArtifactService
from trackwell.service.artifacts_lineage import readable_lineage
from trackwell.service.files import FileService
from trackwell.service.importance import ImportanceService
from trackwell.service.project_access import ProjectAccess
from trackwell.service.report_export_blocks import image_type, text_block_html
from trackwell.service.report_export_data import ExportData
from trackwell.service.report_export_page import page_html
from trackwell.service.report_export_panels import PanelContext, grid_html
from trackwell.service.report_export_pdf import html_to_pdf
from trackwell.service.reports import ReportService
from trackwell.service.runs import RunService
from trackwell.service.workspace import WorkspaceService
from trackwell.store.base import Database, RunKey, User

MAX_IMAGE_BYTES = 10 * 1024 * 1024  # an embedded run file (the export grows by 4/3 of it)
MAX_EMBEDDED_BYTES = 64 * 1024 * 1024  # every embedded run file of one export together
CHART_SECONDS = 60.0  # no chart is started after this long; later ones become placeholders


@dataclass(frozen=True)
class ExportedReport:
    report: ReportOut
    content: bytes
    media_type: str


class ReportExporter:
    def __init__(
        self, db: Database, files: FileService, access: ProjectAccess, artifacts: ArtifactService
    ) -> None:
        self._reports = ReportService(db, access=access)
        self._runs = RunService(db)
        self._workspace = WorkspaceService(db)
        self._importance = ImportanceService(db)
        self._files = files
        self._access = access
        self._artifacts = artifacts

    def export(
        self,
        user: User,
        entity: str,
        project: str,
        report_id: str,
        version: int | None,
        live_url: str,
        file_format: Literal["html", "pdf"],
    ) -> ExportedReport:
        """The report (its newest version, or ``version``) as one HTML file, or that page printed
        to PDF (``ExportUnavailable``, 501, without WeasyPrint). ``live_url`` is the live report's
        address, linked from the page and from every panel it cannot draw."""
        report = self._reports.get(user, entity, project, report_id, version)
        page = self._page(user, report, live_url)
        if file_format == "pdf":
            return ExportedReport(report, html_to_pdf(page), "application/pdf")
        return ExportedReport(report, page.encode(), "text/html; charset=utf-8")

    def _page(self, user: User, report: ReportOut, live_url: str) -> str:
        embedded = [0]  # bytes embedded so far: a report of many large images stays bounded

        def read_file(ref: RunFileRef) -> bytes | str:
            got = self._read_image(user, ref, MAX_EMBEDDED_BYTES - embedded[0])
            embedded[0] += len(got) if isinstance(got, bytes) else 0
            return got

        ctx = PanelContext(
            data=ExportData(user, self._runs, self._workspace, self._access),
            importance=self._importance,
            lineage=lambda e, p, name, ref, depth: readable_lineage(
                self._artifacts.lineage(e, p, name, ref, depth), lambda e2, p2: self._may_read(user, e2, p2)
            ),
            read_file=read_file,
            live_url=live_url,
            deadline=time.monotonic() + CHART_SECONDS,
        )
        parts = [
            grid_html(block, ctx) if isinstance(block, PanelGridBlock) else text_block_html(block, read_file)
            for block in report.blocks
        ]
        return page_html(report, "\n".join(parts), live_url)

    def _may_read(self, user: User, entity: str, project: str) -> bool:
        try:
            self._access.require_reader(user, entity, project)
        except TrackwellError:
            return False
        return True

    def _read_image(self, user: User, ref: RunFileRef, room: int) -> bytes | str:
        """An image file of a run the caller may read, or why it is not embedded (``room``: the
        bytes the export may still embed)."""
        key = RunKey(ref.entity, ref.project, ref.run_id)
        try:
            self._access.require_reader(user, ref.entity, ref.project)
            info = self._files.describe(key, ref.path)
            if info.size > MAX_IMAGE_BYTES:
                return f"it is {info.size} bytes, more than the {MAX_IMAGE_BYTES} an export embeds"
            if info.size > room:
                return f"the export already embeds its limit of {MAX_EMBEDDED_BYTES} bytes of images"
            data = b"".join(self._files.stream(info))
        except TrackwellError as e:
            return e.message
        if image_type(data) is None:
            return "it is not a PNG, JPEG, GIF or WebP image"
        return data
