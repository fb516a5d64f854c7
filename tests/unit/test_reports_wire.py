"""The Python report objects against the wire schema, without a server: every block and panel kind
maps to a document the server accepts and back to an equal object; mistakes are caught before
anything is sent; the block diff pairs edits, additions and removals."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import trackwell.reports as wr
from trackwell.reports.panels import PanelGrid
from trackwell.reports.report import _document
from trackwell.reports.text import text_block_from_wire
from trackwell.schema.reports import ReportDocument
from trackwell.service.reports_diff import diff_documents


class NoServer:
    """A client that fails any request: these tests must never reach one."""

    base_url = "http://127.0.0.1:9"

    def viewer_entity(self) -> str:
        return "team"

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"no request expected, got {name}")


BLOCKS: list[Any] = [
    wr.H1("Hypothesis"),
    wr.H2(["Adam ", wr.Text("vs", bold=True, italic=True, link="https://example.com")]),
    wr.H3("Next"),
    wr.P(["a ", wr.Bold("b"), wr.Italic("c"), wr.InlineCode("d"), wr.Link("e", "mailto:x@example.com")]),
    wr.CalloutBlock("note"),
    wr.UnorderedList(["one", ["two ", wr.Bold("2")]]),
    wr.OrderedList(["first"]),
    wr.CodeBlock("print(1)", "python"),
    wr.MarkdownBlock("*md*"),
    wr.Image(url="https://example.com/a.png", caption="c"),
    wr.Image(run_path="team/mnist/run-1", path="media/a.png"),
    wr.PanelGrid(
        runsets=[wr.Runset(filters="lr>0.01", groupby=["config.optimizer"]), wr.Runset("other", "cifar")],
        panels=[
            wr.LinePlot(x="val/epoch", y="loss", range_y=(None, 2.0)),
            wr.LinePlot(x="Wall Time", y=["a", "b"]),
            wr.BarPlot("acc"),
            wr.ScatterPlot("s::acc", "config.lr", log_x=True),
            wr.ParallelCoordinatesPlot(["c::lr", "acc"]),
            wr.ScalarChart("acc", "last"),
            wr.RunComparer(),
            wr.ParameterImportancePlot("loss"),
            wr.MarkdownPanel("hi"),
            wr.MediaBrowser("samples"),
        ],
    ),
]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: type(b).__name__)
def test_every_block_kind_maps_to_a_valid_document_and_back_to_an_equal_object(block: Any) -> None:
    report = wr.Report("mnist", title="t", blocks=[block], client=NoServer())  # type: ignore[arg-type]
    wire = _document(report)["blocks"][0]
    back = (
        PanelGrid.from_wire(wire, "team", "mnist")
        if wire["type"] == "panel_grid"
        else text_block_from_wire(wire)
    )
    assert back == block


def test_canonical_forms_make_equal_reports_equal() -> None:
    assert wr.P(["plain"]) == wr.P("plain")
    assert wr.LinePlot(x="_step", y="loss") == wr.LinePlot(x="Step", y=["loss"])
    assert wr.ScatterPlot("acc", "c::lr") == wr.ScatterPlot("summary.acc", "config.lr")
    explicit = wr.PanelGrid(runsets=[wr.Runset("team", "mnist")])
    implicit = wr.PanelGrid(runsets=[wr.Runset()])
    client: Any = NoServer()
    assert wr.Report("mnist", blocks=[explicit], client=client) == wr.Report(
        "mnist", blocks=[implicit], client=client
    )


def test_a_mistake_is_named_before_anything_is_sent() -> None:
    client: Any = NoServer()
    with pytest.raises(ValidationError, match="no http"):
        wr.Report(
            "mnist", title="t", blocks=[wr.P([wr.Link("x", "javascript:alert(1)")])], client=client
        ).save()
    with pytest.raises(ValidationError, match="exactly one of url and run_file"):
        wr.Report("mnist", title="t", blocks=[wr.Image()], client=client).save()
    with pytest.raises(ValueError, match="BarPlot.metrics"):
        wr.BarPlot(["a", "b"])
    with pytest.raises(ValidationError, match="at least 2"):
        _document(
            wr.Report(
                "mnist",
                title="t",
                blocks=[wr.PanelGrid(panels=[wr.ParallelCoordinatesPlot(["a"])])],
                client=client,
            )
        )


def _doc(*texts: str, title: str = "t") -> dict[str, Any]:
    blocks = [wr.P(t).to_wire() if not t.startswith("#") else wr.H1(t[1:]).to_wire() for t in texts]
    return ReportDocument.model_validate({"title": title, "blocks": blocks}).model_dump(mode="json")


def test_the_diff_pairs_an_edited_block_and_lists_added_and_removed_ones() -> None:
    diff = diff_documents(_doc("#Intro", "a", "b", "c"), _doc("#Intro", "a2", "c", "#End", title="u"), 1, 2)
    assert diff.changed_fields == ["title"]
    assert [(c.change, c.old_index, c.new_index) for c in diff.blocks] == [
        ("changed", 1, 1),
        ("removed", 2, None),
        ("added", None, 3),
    ]
    assert diff.unchanged_blocks == 2
    # A replaced block of another type is a removal and an addition, not an edit.
    swapped = diff_documents(_doc("a"), _doc("#a"), 1, 2)
    assert [c.change for c in swapped.blocks] == ["removed", "added"]
    assert diff_documents(_doc("a"), _doc("a"), 1, 1).blocks == []


def test_the_v2_path_holds_the_same_names() -> None:
    import trackwell.reports.v2 as v2

    assert v2.Report is wr.Report
    assert all(getattr(v2, name) is getattr(wr, name) for name in wr.__all__)


def test_a_panel_resized_in_the_browser_keeps_its_size_through_python() -> None:
    # The editor stores sizes in steps; a report loaded and saved from Python must not lose them.
    wire = {
        "type": "panel_grid",
        "runsets": [
            {"name": "Run set", "entity": "team", "project": "mnist", "filters": None, "group_by": []}
        ],
        "panels": [
            {
                "type": "line",
                "id": "a",
                "section": "Report",
                "metrics": ["loss"],
                "size": {"width": "full", "height": "large"},
            },
            {"type": "bar", "id": "b", "section": "Report", "metric": "acc"},
        ],
    }
    grid = PanelGrid.from_wire(wire, "team", "mnist")
    line, bar = grid.panels
    assert line.layout == wr.Layout(w=24, h=10) and bar.layout is None
    panels = grid.to_wire("team", "mnist")["panels"]
    assert panels[0]["size"] == {"width": "full", "height": "large"} and "size" not in panels[1]
    # wandb's 24-column numbers are read as the nearest step.
    assert wr.BarPlot(["acc"], layout=wr.Layout(x=0, y=0, w=12, h=4)).to_wire(0)["size"] == {
        "width": "half",
        "height": "small",
    }
