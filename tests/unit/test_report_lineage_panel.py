"""The lineage panel (issue 16): ``wr.ArtifactLineage`` maps to a ``lineage`` panel the server's
schema accepts and back to an equal object, a workspace layout takes it too, and an artifact that
names no version is refused with a message that says how to write it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import trackwell.reports as wr
import trackwell.reports.v2 as wr2
from trackwell.reports.panels import PanelGrid
from trackwell.schema.layout import WorkspaceLayout
from trackwell.schema.reports import PanelGridBlock


def test_artifact_lineage_round_trips_through_the_report_schema() -> None:
    grid = wr.PanelGrid(
        runsets=[wr.Runset()],
        panels=[wr.ArtifactLineage("mnist-model:latest", artifact_type="model", depth=3, title="Model")],
    )
    wire = grid.to_wire("team", "mnist")
    block = PanelGridBlock.model_validate(wire)
    assert block.panels[0].type == "lineage"
    back = PanelGrid.from_wire(block.model_dump(), "team", "mnist")
    assert back == grid
    assert wr2.ArtifactLineage is wr.ArtifactLineage


def test_a_workspace_layout_takes_a_lineage_panel_with_its_default_depth() -> None:
    layout = WorkspaceLayout.model_validate(
        {"panels": [{"type": "lineage", "id": "l", "section": "Charts", "artifact": "data:v0"}]}
    )
    panel: Any = layout.panels[0]
    assert (panel.artifact, panel.artifact_type, panel.depth) == ("data:v0", None, 2)


@pytest.mark.parametrize("artifact", ["mnist-model", "team/mnist/model:v1", "a:b:c"])
def test_an_artifact_without_a_version_is_refused_naming_the_form(artifact: str) -> None:
    grid = wr.PanelGrid(panels=[wr.ArtifactLineage(artifact)])
    with pytest.raises(ValidationError, match="write 'name:alias' or 'name:vN'"):
        PanelGridBlock.model_validate(grid.to_wire("team", "mnist"))


@pytest.mark.parametrize("depth", [0, 7])
def test_depth_outside_one_to_six_is_refused(depth: int) -> None:
    grid = wr.PanelGrid(panels=[wr.ArtifactLineage("m:latest", depth=depth)])
    with pytest.raises(ValidationError, match="depth"):
        PanelGridBlock.model_validate(grid.to_wire("team", "mnist"))
