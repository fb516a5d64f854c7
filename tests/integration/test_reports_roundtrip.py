"""The browser's report editor and the Python API share one document: a report written in Python
opens in the editor and saves from it (the editor sends what it loaded, every span with all its
marks, plus its own edits), and a report written in the editor (the JSON web/src/reports builds:
new blocks from the "+" menu, spans from the rich text field, a panel grid over the project) loads
in Python with ``Report.from_url`` as the same blocks written with ``trackwell.reports``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import trackwell.reports as wr
from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.sdk.transport import HttpTransport

TEAM, PROJECT = "lab", "mnist"
REPORTS = f"/api/v1/reports/{TEAM}/{PROJECT}"


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path / "data") as live:
        with httpx.Client(base_url=live.url, headers=live.headers, timeout=30) as admin:
            admin.put(f"/api/v1/runs/{TEAM}/{PROJECT}/adam-1", json={"session_id": "s1"}).raise_for_status()
        yield live


@pytest.fixture
def writer(server: LiveServer) -> Iterator[tuple[httpx.Client, wr.ReportClient]]:
    """One member, as the browser (plain HTTP, as web/src/reports/api.ts) and as Python."""
    headers = make_user(server, "mia", admin=False, role="member", entity=TEAM)
    key = headers["Authorization"].removeprefix("Bearer ")
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as browser:
        yield browser, wr.ReportClient(HttpTransport(server.url, key, timeout=30))


def span(text: str, **marks: Any) -> dict[str, Any]:
    """A span as the editor sends it (spans.ts `span`): every mark present."""
    return {"text": text, "bold": False, "italic": False, "code": False, "link": None} | marks


def editor_document() -> dict[str, Any]:
    """What the editor saves for a report typed in the browser (blocks.ts `newBlock` + `cleanBlock`)."""
    return {
        "title": "Optimizer study",
        "description": "",
        "status": "published",
        "blocks": [
            {"type": "heading", "level": 1, "text": [span("Hypothesis")]},
            {
                "type": "paragraph",
                "text": [
                    span("Adam is "),
                    span("faster", bold=True),
                    span(" than "),
                    span("SGD", italic=True, code=True),
                    span(", see "),
                    span("the plan", link="https://example.com/plan"),
                ],
            },
            {
                "type": "list",
                "ordered": False,
                "items": [[span("adam: 0.98")], [span("sgd: "), span("0.95", bold=True)]],
            },
            {"type": "code", "language": "python", "code": "trackwell.sweep(config)"},
            {"type": "callout", "text": [span("Next: warmup")]},
            {"type": "markdown", "text": "| a | b |\n|---|---|\n| 1 | 2 |"},
            {"type": "image", "url": "https://example.com/plot.png", "run_file": None, "caption": None},
            {
                "type": "panel_grid",
                "runsets": [
                    {"name": "Run set", "entity": TEAM, "project": PROJECT, "filters": None, "group_by": []}
                ],
                "panels": [
                    {
                        "type": "line",
                        "id": "p1",
                        "section": "Report",
                        "size": {"width": "half", "height": "large"},
                        "metrics": ["loss"],
                    }
                ],
            },
        ],
    }


def test_a_report_written_in_the_editor_loads_in_python_as_the_same_blocks(
    writer: tuple[httpx.Client, wr.ReportClient],
) -> None:
    browser, python = writer
    created = browser.post(
        REPORTS, json={"title": "Untitled report", "description": "", "status": "draft", "blocks": []}
    )
    report_id = created.json()["id"]
    saved = browser.put(f"{REPORTS}/{report_id}", json=editor_document() | {"base_version": 1})
    assert saved.status_code == 200, saved.text

    loaded = wr.Report.from_url(f"{python.base_url}/{TEAM}/{PROJECT}/reports/{report_id}", client=python)
    assert (loaded.title, loaded.status, loaded.version) == ("Optimizer study", "published", 2)
    assert loaded.blocks == [
        wr.H1("Hypothesis"),
        wr.P(
            [
                "Adam is ",
                wr.Bold("faster"),
                " than ",
                wr.Text("SGD", italic=True, code=True),
                ", see ",
                wr.Link("the plan", "https://example.com/plan"),
            ]
        ),
        wr.UnorderedList(["adam: 0.98", ["sgd: ", wr.Bold("0.95")]]),
        wr.CodeBlock("trackwell.sweep(config)", language="python"),
        wr.CalloutBlock("Next: warmup"),
        wr.MarkdownBlock("| a | b |\n|---|---|\n| 1 | 2 |"),
        wr.Image(url="https://example.com/plot.png"),
        wr.PanelGrid(runsets=[wr.Runset()], panels=[wr.LinePlot(y=["loss"], layout=wr.Layout(w=12, h=10))]),
    ]
    # Python edits it on top of the browser's version; the editor then loads Python's version.
    loaded.blocks.append(wr.P("Added from Python"))
    loaded.save()
    newest = browser.get(f"{REPORTS}/{report_id}").json()
    assert (newest["version"], newest["blocks"][-1]) == (
        3,
        {"type": "paragraph", "text": [span("Added from Python")]},
    )


def test_a_report_written_in_python_opens_and_saves_in_the_editor(
    writer: tuple[httpx.Client, wr.ReportClient],
) -> None:
    browser, python = writer
    report = wr.Report(
        project=PROJECT,
        entity=TEAM,
        title="From Python",
        client=python,
        blocks=[
            wr.H2("Results"),
            wr.P(["Adam ", wr.Bold("wins"), " (", wr.Link("runs", "https://example.com/runs"), ")"]),
            wr.OrderedList(["one", "two"]),
            wr.Image(run_path=f"{TEAM}/{PROJECT}/adam-1", path="media/confusion.png", caption="confusion"),
            wr.PanelGrid(
                runsets=[wr.Runset(filters="state=finished", groupby=["config.optimizer"])],
                panels=[wr.BarPlot(["val/acc"])],
            ),
        ],
    ).save()
    # The editor loads the newest version (GET, as ReportPage does) and saves it with its edits:
    # the paragraph's second word made italic, the list numbered off, a heading added at the end.
    doc = browser.get(f"{REPORTS}/{report.id}").json()
    assert doc["blocks"][1]["text"] == [
        span("Adam "),
        span("wins", bold=True),
        span(" ("),
        span("runs", link="https://example.com/runs"),
        span(")"),
    ]
    blocks = doc["blocks"]
    blocks[1]["text"][1]["italic"] = True
    blocks[2]["ordered"] = False
    blocks.append({"type": "heading", "level": 3, "text": [span("Next")]})
    body = {k: doc[k] for k in ("title", "description", "status")} | {
        "blocks": blocks,
        "base_version": doc["version"],
    }
    assert browser.put(f"{REPORTS}/{report.id}", json=body).status_code == 200

    again = wr.Report.from_url(report.url, client=python)
    assert again.version == 2
    assert again.blocks == [
        wr.H2("Results"),
        wr.P(
            [
                "Adam ",
                wr.Text("wins", bold=True, italic=True),
                " (",
                wr.Link("runs", "https://example.com/runs"),
                ")",
            ]
        ),
        wr.UnorderedList(["one", "two"]),
        wr.Image(run_path=f"{TEAM}/{PROJECT}/adam-1", path="media/confusion.png", caption="confusion"),
        wr.PanelGrid(
            runsets=[wr.Runset(filters="state=finished", groupby=["config.optimizer"])],
            panels=[wr.BarPlot(["val/acc"])],
        ),
        wr.H3("Next"),
    ]
