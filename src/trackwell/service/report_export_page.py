"""The page around an exported report: one self-contained HTML file (inline CSS, no script, images
as ``data:`` URIs), laid out for the screen and for print (the PDF is this page printed)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from trackwell.schema.reports import ReportOut
from trackwell.service.report_export_blocks import attr

# No script may run and nothing may be fetched: the file's own policy says so too, for a browser
# that opens it from disk or from a mail attachment.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1f2328;
  font: 15px/1.6 -apple-system, "Segoe UI", "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 40px 48px; background: #fff; min-height: 100vh; }
header { border-bottom: 1px solid #e6e8eb; margin-bottom: 24px; padding-bottom: 16px; }
h1 { font-size: 30px; line-height: 1.25; margin: 0 0 8px; }
h2 { font-size: 23px; margin: 28px 0 10px; } h3 { font-size: 19px; margin: 22px 0 8px; }
h4 { font-size: 16px; margin: 18px 0 6px; }
.description { color: #424a53; margin: 0 0 10px; white-space: pre-wrap; }
.meta, .muted { color: #6e7781; font-size: 13px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; margin-left: 6px;
  background: #eef1f4; color: #424a53; }
.badge.published { background: #dafbe1; color: #1a7f37; }
a { color: #0b63c9; }
code { font: 13px/1.5 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f0f2f4;
  border-radius: 4px; padding: 1px 4px; }
.code { margin: 12px 0; border: 1px solid #e6e8eb; border-radius: 6px; background: #f6f8fa; }
.code-language { font-size: 12px; color: #6e7781; padding: 4px 12px 0; }
.code pre { margin: 0; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.code pre code, .markdown pre code { background: none; padding: 0; }
.markdown pre { background: #f6f8fa; padding: 10px 12px; border-radius: 6px; white-space: pre-wrap; }
.callout { margin: 14px 0; padding: 10px 14px; border-left: 4px solid #f0b400; background: #fff8e1;
  border-radius: 4px; }
figure { margin: 16px 0; } figure img { max-width: 100%; border-radius: 4px; }
figcaption { color: #6e7781; font-size: 13px; margin-top: 4px; }
.grid { margin: 18px 0; padding: 12px; border: 1px solid #e6e8eb; border-radius: 8px; background: #fbfbfc; }
.runsets { margin-bottom: 10px; font-size: 13px; color: #424a53; }
.runset.problem { color: #9a6700; }
.panels { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
.panel { background: #fff; border: 1px solid #e6e8eb; border-radius: 6px; padding: 10px; min-width: 0;
  break-inside: avoid; page-break-inside: avoid; }
.panel.wide { grid-column: 1 / -1; }
.panel-title { font-weight: 600; font-size: 14px; margin-bottom: 6px; overflow-wrap: anywhere; }
img.chart { display: block; width: 100%; height: auto; }
img.media { max-width: 220px; max-height: 160px; }
.placeholder { color: #59636e; background: #f6f8fa; border: 1px dashed #c9ced4; border-radius: 6px;
  padding: 16px; font-size: 13px; }
.scalar { text-align: center; padding: 20px 0; }
.scalar .number { font-size: 40px; font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eef0f2; vertical-align: top;
  overflow-wrap: break-word; }
td { font-variant-numeric: tabular-nums; }
td.number-cell { font-size: 18px; font-weight: 600; }
thead th { background: #f6f8fa; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; }
.bar { display: inline-block; height: 8px; background: #1f77b4; border-radius: 2px; vertical-align: middle;
  max-width: 60%; }
.pos { color: #1a7f37; } .neg { color: #cf222e; }
footer { margin-top: 36px; border-top: 1px solid #e6e8eb; padding-top: 10px; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; min-height: 0; }
  .grid { background: #fff; }
  /* Two panels a row as inline blocks: a printed grid's columns must not grow with their tables. */
  .panels { display: block; font-size: 0; }
  .panel { display: inline-block; vertical-align: top; width: calc(50% - 6px); margin: 0 3px 8px;
    font-size: 11pt; }
  .panel.wide { width: calc(100% - 6px); }
  table { table-layout: fixed; font-size: 8pt; }  /* paper does not scroll: columns share the width */
}
@page { size: A4; margin: 14mm 12mm; }
"""


def page_html(report: ReportOut, body: str, live_url: str) -> str:
    status = f'<span class="badge {report.status}">{escape(report.status)}</span>'
    saved = datetime.fromtimestamp(report.version_created_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    author = f" by {escape(report.author)}" if report.author else ""
    description = f'<p class="description">{escape(report.description)}</p>' if report.description else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body><main>"
        f"<header><h1>{escape(report.title)}</h1>{description}"
        f'<div class="meta">{escape(report.entity)}/{escape(report.project)} · version {report.version}'
        f"{author} · saved {saved}{status}</div></header>"
        f"{body}"
        f'<footer class="muted">Exported from Trackwell. The live report, with interactive charts: '
        f'<a href="{attr(live_url)}">{escape(live_url)}</a></footer>'
        "</main></body></html>\n"
    )
