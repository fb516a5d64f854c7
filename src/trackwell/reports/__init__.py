"""Reports from Python (issue 16; docs/reports.md), named as ``wandb_workspaces.reports.v2``:

    import trackwell.reports as wr

    report = wr.Report(project="mnist", title="Optimizer study", blocks=[
        wr.H1("Hypothesis"),
        wr.P(["Adam converges ", wr.Bold("faster"), " than SGD."]),
        wr.PanelGrid(
            runsets=[wr.Runset(filters="state=finished", groupby=["config.optimizer"])],
            panels=[wr.LinePlot(x="Step", y=["loss"])],
        ),
    ])
    report.save()

It talks to the server over HTTP only (``/api/v1/reports``), like ``trackwell.apis``.
"""

from __future__ import annotations

from trackwell.reports.client import ReportClient
from trackwell.reports.panels import (
    ArtifactLineage,
    BarPlot,
    Layout,
    LinePlot,
    MarkdownPanel,
    MediaBrowser,
    PanelGrid,
    ParallelCoordinatesPlot,
    ParallelCoordinatesPlotColumn,
    ParameterImportancePlot,
    RunComparer,
    Runset,
    ScalarChart,
    ScatterPlot,
)
from trackwell.reports.report import Report, list_reports
from trackwell.reports.text import (
    H1,
    H2,
    H3,
    Bold,
    CalloutBlock,
    CodeBlock,
    Image,
    InlineCode,
    Italic,
    Link,
    MarkdownBlock,
    OrderedList,
    P,
    Text,
    UnorderedList,
)

__all__ = [
    "H1",
    "H2",
    "H3",
    "ArtifactLineage",
    "BarPlot",
    "Bold",
    "CalloutBlock",
    "CodeBlock",
    "Image",
    "InlineCode",
    "Italic",
    "Layout",
    "LinePlot",
    "Link",
    "MarkdownBlock",
    "MarkdownPanel",
    "MediaBrowser",
    "OrderedList",
    "P",
    "PanelGrid",
    "ParallelCoordinatesPlot",
    "ParallelCoordinatesPlotColumn",
    "ParameterImportancePlot",
    "Report",
    "ReportClient",
    "RunComparer",
    "Runset",
    "ScalarChart",
    "ScatterPlot",
    "Text",
    "UnorderedList",
    "list_reports",
]
