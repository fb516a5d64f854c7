"""``trackwell report export <url-or-id> --format html|pdf -o FILE``: a report saved as one static
HTML file (charts as images) or as PDF, by the server's export routes (docs/reports.md, "Export").

The report is named by its address (``<server>/<entity>/<project>/reports/<id>``, as the browser
shows it and ``Report.url`` gives it) or by its id with ``--project`` (and ``--entity``, default:
yours). The file is written under a temporary name and renamed when complete, so a failed export
never leaves half a file under FILE.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.names import url_path

FORMATS = ("html", "pdf")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report", help="reports: export one to HTML or PDF", description="Work with reports."
    )
    actions = parser.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="save a report as one static HTML file or as PDF",
        description="Save a report (its newest version, or --version) as one self-contained HTML "
        "file (charts as images, no script) or as PDF.",
    )
    export.add_argument("report", help="the report's address (…/<entity>/<project>/reports/<id>) or its id")
    export.add_argument("--project", help="the report's project (when REPORT is an id)")
    export.add_argument("--entity", help="the project's entity (when REPORT is an id; default: yours)")
    export.add_argument("--version", type=int, help="a version number (default: the newest)")
    export.add_argument(
        "--format", choices=FORMATS, help="html or pdf (default: from -o's suffix, else html)"
    )
    export.add_argument("-o", "--out", type=Path, required=True, help="the file to write")
    export.set_defaults(func=run_export)


def report_path(report: str, project: str | None, entity: str | None) -> tuple[str | None, str, str]:
    """(entity or None for the key's own, project, id) from an address or an id."""
    if "/reports/" in report:
        parts = [unquote(p) for p in urlsplit(report).path.split("/") if p]
        if len(parts) >= 4 and parts[-2] == "reports":
            return parts[-4], parts[-3], parts[-1]
    if "/" in report:
        raise InvalidArgument(
            f"{report!r} is no report address",
            field="report",
            hint="use <server>/<entity>/<project>/reports/<id>",
        )
    if not project:
        raise InvalidArgument(
            f"report id {report!r} needs its project",
            field="project",
            hint="add --project NAME, or pass the report's address",
        )
    return entity, project, report


def run_export(args: argparse.Namespace) -> int:
    file_format = args.format or ("pdf" if args.out.suffix.lower() == ".pdf" else "html")
    entity, project, report_id = report_path(args.report, args.project, args.entity)
    from trackwell.reports.client import ReportClient  # the SDK's HTTP client: only when exporting

    client = ReportClient.from_settings()
    try:
        entity = entity or client.viewer_entity()
        report = "/".join(url_path(part) for part in (entity, project, report_id))
        path = f"/api/v1/reports/{report}/export.{file_format}"
        out = args.out.expanduser()
        handle, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        try:
            with os.fdopen(handle, "wb") as sink:
                client.transport._request("GET", path, query={"version": args.version}, sink=sink)
            os.replace(partial, out)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    finally:
        client.close()
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {file_format})")
    return 0
