"""The HTML of an exported report: every block type rendered, every piece of user text escaped,
no script and nothing fetched when the file is opened, a safe file name, and a clear 501 when the
server lacks a library an export needs."""

from __future__ import annotations

import base64
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest

from trackwell.schema.reports import PanelGridBlock, ReportOut, RunFileRef, Runset
from trackwell.schema.runs import RunOut
from trackwell.server.routes.report_export import attachment
from trackwell.service.report_export_blocks import text_block_html
from trackwell.service.report_export_charts import ExportUnavailable, line_chart
from trackwell.service.report_export_data import LineSeries, RunsetData
from trackwell.service.report_export_page import page_html
from trackwell.service.report_export_panels import MAX_CHARTS, PanelContext, grid_html, placeholder
from trackwell.service.report_export_pdf import html_to_pdf

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> "quotes" & ünïcode ✓'
RED_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS"
    b"\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def blocks() -> list[dict[str, object]]:
    span = {"text": HOSTILE}
    return [
        {"type": "heading", "level": 1, "text": [span]},
        {"type": "heading", "level": 3, "text": [{"text": "Small"}]},
        {
            "type": "paragraph",
            "text": [
                {"text": "bold", "bold": True},
                {"text": "it", "italic": True},
                {"text": "x=1", "code": True},
                {"text": 'go"there', "link": 'https://example.com/a?b=1&c="2"'},
                span,
            ],
        },
        {"type": "list", "ordered": True, "items": [[span], [{"text": "two"}]]},
        {"type": "list", "ordered": False, "items": [[{"text": "dot"}]]},
        {"type": "code", "language": "python", "code": f"print('{HOSTILE}')\n</pre></code><script>"},
        {"type": "callout", "text": [span]},
        {
            "type": "markdown",
            "text": f"# Title\n\n{HOSTILE}\n\n[bad](javascript:alert(1)) ![remote](https://example.com/x.png)"
            "\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        },
        {"type": "image", "url": "https://example.com/figure.png", "caption": HOSTILE},
        {"type": "image", "run_file": {"entity": "e", "project": "p", "run_id": "r1", "path": "media/a.png"}},
        {"type": "image", "run_file": {"entity": "e", "project": "p", "run_id": "r2", "path": "gone.png"}},
    ]


def read_file(ref: RunFileRef) -> bytes | str:
    return RED_PNG if ref.run_id == "r1" else f"run {ref.run_id} has no file {HOSTILE}"


def page(raw_blocks: list[dict[str, object]]) -> str:
    report = ReportOut.model_validate(
        {
            "id": "abc123",
            "entity": "e",
            "project": "p",
            "title": HOSTILE,
            "description": HOSTILE,
            "status": "published",
            "owner": "mia",
            "version": 2,
            "latest_version": 3,
            "author": HOSTILE,
            "created_at": 1.0,
            "updated_at": 2.0,
            "version_created_at": 1_700_000_000.0,
            "blocks": raw_blocks,
        }
    )
    body = "\n".join(text_block_html(b, read_file) for b in report.blocks)
    return page_html(report, body, "https://tw.example/e/p/reports/abc123")


def assert_static(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<img src=x" not in lowered and 'href="javascript:' not in lowered
    # Nothing is fetched: every src is a data: URI, no stylesheet links, no url() in CSS.
    assert all(src.startswith("data:") for src in re.findall(r'\ssrc="([^"]*)"', html))
    assert "<link" not in lowered and "url(" not in lowered and "@import" not in lowered
    assert "<iframe" not in lowered and "<object" not in lowered


def test_every_block_type_is_rendered_with_its_marks() -> None:
    html = page(blocks())
    assert_static(html)
    assert "<h2>&lt;script&gt;" in html and "<h4>Small</h4>" in html  # the title is the page's h1
    assert "<strong>bold</strong><em>it</em><code>x=1</code>" in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=&quot;2&quot;" rel="noopener noreferrer">go&quot;there</a>'
        in html
    )
    assert re.search(r"<ol><li>&lt;script.*?</li><li>two</li></ol>", html)
    assert "<ul><li>dot</li></ul>" in html
    assert '<div class="code-language">python</div><pre><code>print(&#x27;&lt;script&gt;' in html
    assert "&lt;/pre&gt;&lt;/code&gt;&lt;script&gt;" in html
    assert '<div class="callout">&lt;script&gt;' in html
    # Markdown: headings and tables rendered, raw HTML shown as text, a javascript: link not a link.
    assert "<h1>Title</h1>" in html and "<table>" in html and "<td>1</td>" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[bad](javascript:alert(1))" in html  # markdown-it refuses the link: it stays text
    # Images: a web image is a link (no request); a run's image embedded; a missing one named.
    assert 'href="https://example.com/figure.png"' in html and "<figcaption>&lt;script&gt;" in html
    assert 'href="https://example.com/x.png"' in html
    assert '<img src="data:image/png;base64,' in html
    assert "Image e/p/r2/gone.png is not in this export: run r2 has no file &lt;script&gt;" in html


def test_title_description_and_author_are_escaped_in_the_page() -> None:
    html = page([])
    assert_static(html)
    assert "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)") == 4  # title, h1, description, author
    assert "version 2" in html and 'class="badge published"' in html
    # The file's own policy forbids script and any fetch but data: images.
    assert "default-src 'none'; img-src data:; style-src 'unsafe-inline'" in html


def test_placeholder_names_the_panel_type_and_links_the_live_report() -> None:
    html = placeholder(HOSTILE, "lineage", 'https://tw.example/r?"x', "a <b>reason</b>")
    assert_static(html)
    assert (
        "Panel type <strong>lineage</strong> is shown in the live report (a &lt;b&gt;reason&lt;/b&gt;)"
        in html
    )
    assert 'href="https://tw.example/r?&quot;x"' in html


@pytest.mark.parametrize(
    ("title", "ascii_name", "utf8_name"),
    [
        ("Optimizer study", "Optimizer study.html", "Optimizer study.html"),
        ("a/b\\c\"d';e\r\nf", "a b c d e f.html", "a b c d' e f.html"),
        ("Ünïcode ✓ 研究", "Unicode.html", "Ünïcode ✓ 研究.html"),
        ("../../etc/passwd", "etc passwd.html", "etc passwd.html"),
        ("///", "report.html", "report.html"),
    ],
)
def test_attachment_names_are_safe(title: str, ascii_name: str, utf8_name: str) -> None:
    header = attachment(title, "html")
    assert header.startswith(f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''")
    assert unquote(header.split("''", 1)[1]) == utf8_name
    assert all(0x20 <= ord(c) < 0x7F for c in header)  # a header is ASCII; no CR/LF can split it


def test_pdf_without_weasyprint_is_a_501_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if it were not installed
    with pytest.raises(ExportUnavailable) as raised:
        html_to_pdf("<p>x</p>")
    assert raised.value.http_status == 501 and "trackwell[pdf]" in str(raised.value)


def test_charts_without_matplotlib_are_a_501_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ExportUnavailable) as raised:
        line_chart([], "Step", None)
    assert raised.value.http_status == 501 and "trackwell[media]" in str(raised.value)


def test_pdf_fetches_nothing_but_data_uris() -> None:
    pytest.importorskip("weasyprint")
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_error(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        html = (
            f'<link rel="stylesheet" href="{url}/x.css"><style>@import "{url}/y.css";</style>'
            f'<img src="{url}/x.png"><p>text</p>'
            f'<img src="data:image/png;base64,{base64.b64encode(RED_PNG).decode()}">'
        )
        pdf = html_to_pdf(html)
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF")
    assert asked == []  # the server never fetches on a report's behalf


def test_a_huge_report_draws_a_bounded_number_of_charts_in_bounded_time() -> None:
    # Every chart after the budget, or after the deadline, is a placeholder that says why.
    now = [0.0]
    ctx = PanelContext(
        data=None,  # type: ignore[arg-type]  # may_draw reads no data
        importance=None,  # type: ignore[arg-type]
        lineage=lambda *a: None,  # type: ignore[arg-type]
        read_file=read_file,
        live_url="https://tw.example/r",
        deadline=10.0,
        clock=lambda: now[0],
    )
    assert all(ctx.may_draw() is None for _ in range(MAX_CHARTS))
    assert ctx.may_draw() == f"this export draws at most {MAX_CHARTS} charts"
    ctx.charts_left = 5
    now[0] = 11.0
    assert ctx.may_draw() == "this export ran out of its time to draw charts"


class _HostileData:
    """Reads for a grid whose one run logged values matplotlib cannot place."""

    def runset(self, runset: Runset) -> RunsetData:
        run = RunOut(
            id="r1",
            entity="e",
            project="p",
            display_name=HOSTILE,
            state="finished",
            created_at=1.0,
            updated_at=1.0,
            summary={"acc": 0.5, "loss": float("nan")},
        )
        return RunsetData(runset, runs=[run], total=1, colors={"r1": "#1f77b4"})

    def line_series(self, grid: object, panel: object) -> tuple[list[LineSeries], str]:
        return [LineSeries(HOSTILE, "#1f77b4", [0.0, 1.0, 2.0], [1e308, -1e308, 1.0])], "Step"


def test_a_chart_matplotlib_refuses_is_a_placeholder_and_the_rest_is_drawn() -> None:
    block = PanelGridBlock.model_validate(
        {
            "runsets": [{"entity": "e", "project": "p"}],
            "panels": [
                {
                    "type": "line",
                    "id": "l",
                    "section": "s",
                    "metrics": ["loss"],
                    "smoothing": {"kind": "ema", "param": 0.9},
                },
                {"type": "bar", "id": "b", "section": "s", "metric": "acc"},
                {"type": "comparer", "id": "c", "section": "s"},
            ],
        }
    )
    ctx = PanelContext(
        data=_HostileData(),  # type: ignore[arg-type]
        importance=None,  # type: ignore[arg-type]
        lineage=lambda *a: None,  # type: ignore[arg-type]
        read_file=read_file,
        live_url="https://tw.example/r",
        deadline=float("inf"),
    )
    html = grid_html(block, ctx)
    assert_static(html)
    assert (
        "Panel type <strong>line</strong> is shown in the live report (its chart could not be drawn" in html
    )
    assert len(re.findall(r'<img class="chart" src="data:image/png;base64,', html)) == 1  # the bar chart
    assert "&lt;script&gt;alert(&quot;x&quot;)" in html and "<td>nan</td>" in html  # the comparer, escaped


def test_dollar_signs_in_run_and_metric_names_are_drawn_as_written() -> None:
    # Bare, "$" starts matplotlib's math mode: "$\frac{" would fail to draw and "lr=$1 $x$" change.
    from matplotlib.figure import Figure

    drawn: list[str] = []
    real = Figure.savefig

    def spy(self: Figure, *args: object, **kwargs: object) -> None:
        legend = self.axes[0].get_legend()
        assert legend is not None
        drawn.extend(t.get_text() for t in legend.get_texts())
        drawn.append(self.axes[0].get_xlabel())
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    lines = [
        LineSeries(r"$\frac{", "#1f77b4", [0.0, 1.0], [1.0, 2.0]),
        LineSeries("lr=$1", "#ff7f0e", [0.0, 1.0], [2.0, 1.0]),
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Figure, "savefig", spy)
        png = line_chart(lines, "cost in $", None)
    assert png.startswith(b"\x89PNG")
    assert drawn == [r"\$\frac{", r"lr=\$1", r"cost in \$"]  # escaped: matplotlib shows a plain "$"
