"""Reports from Python against a live server: a report with every kind of block round-trips, every
save is a version that can be listed, compared and restored, a stale save is refused with 409
naming the newest version, and the project's access rules hold (a viewer reads but cannot save, an
outsider does not see the report at all)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import trackwell.reports as wr
from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.schema.errors import Conflict, NotFound, PermissionDenied
from trackwell.sdk.transport import HttpTransport

TEAM, PROJECT = "lab", "mnist"


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    with server_on_backend(request, tmp_path / "data") as live:
        with httpx.Client(base_url=live.url, headers=live.headers, timeout=30) as admin:
            for run_id in ("adam-1", "sgd-1"):
                body = {"session_id": "s-" + run_id, "config": {"optimizer": run_id[:-2]}}
                admin.put(f"/api/v1/runs/{TEAM}/{PROJECT}/{run_id}", json=body).raise_for_status()
        yield live


def client_as(server: LiveServer, headers: dict[str, str]) -> wr.ReportClient:
    key = headers["Authorization"].removeprefix("Bearer ")
    return wr.ReportClient(HttpTransport(server.url, key, timeout=30))


@pytest.fixture
def member(server: LiveServer) -> wr.ReportClient:
    return client_as(server, make_user(server, "mia", admin=False, role="member", entity=TEAM))


def story(client: wr.ReportClient) -> wr.Report:
    """The handbook's sweep story: every block type, panels bound to run sets."""
    return wr.Report(
        project=PROJECT,
        entity=TEAM,
        title="Optimizer study",
        description="Does Adam beat SGD on MNIST?",
        client=client,
        blocks=[
            wr.H1("Hypothesis"),
            wr.P(
                [
                    "Adam converges ",
                    wr.Bold("faster"),
                    " than ",
                    wr.Italic("SGD"),
                    " at ",
                    wr.InlineCode("lr=1e-3"),
                ]
            ),
            wr.CalloutBlock([wr.Link("the sweep", "https://example.com/sweep"), " ran 40 trials."]),
            wr.H2("Results"),
            wr.PanelGrid(
                runsets=[
                    wr.Runset(filters="state=finished", groupby=["config.optimizer"]),
                    wr.Runset(entity=TEAM, project="cifar", name="CIFAR"),
                ],
                panels=[
                    wr.LinePlot(x="_step", y="loss", title="Loss", log_y=True, range_y=(0.0, None)),
                    wr.BarPlot(["val/acc"]),
                    wr.ScatterPlot(x="c::lr", y="val/acc"),
                    wr.ParallelCoordinatesPlot(
                        [wr.ParallelCoordinatesPlotColumn("config.lr", log_scale=True), "summary.val/acc"]
                    ),
                    wr.ScalarChart("val/acc", "max"),
                    wr.RunComparer(diff_only=False),
                    wr.ParameterImportancePlot("val/loss"),
                    wr.MarkdownPanel("**note**"),
                    wr.MediaBrowser("samples"),
                ],
            ),
            wr.UnorderedList(["adam: 0.98", ["sgd: ", wr.Bold("0.95")]]),
            wr.OrderedList(["rerun with warmup", "try AdamW"]),
            wr.CodeBlock("trackwell.sweep(config)", language="python"),
            wr.MarkdownBlock("| a | b |\n|---|---|\n| 1 | 2 |"),
            wr.Image(url="https://example.com/plot.png", caption="from the paper"),
            wr.Image(run_path=f"{TEAM}/{PROJECT}/adam-1", path="media/confusion.png"),
            wr.H3("Next"),
        ],
    )


def test_a_report_made_in_python_saves_and_loads_back_equal(member: wr.ReportClient) -> None:
    report = story(member).save()
    assert (report.id is not None, report.version) == (True, 1)
    loaded = wr.Report.from_url(report.url, client=member)
    assert loaded == story(member)
    assert (loaded.id, loaded.version, loaded.status) == (report.id, 1, "draft")
    listed = wr.list_reports(PROJECT, TEAM, client=member)
    assert [(r["id"], r["title"], r["owner"], r["version"]) for r in listed] == [
        (report.id, "Optimizer study", "mia", 1)
    ]
    assert [r["id"] for r in wr.list_reports(PROJECT, TEAM, search="OPTIMIZER", client=member)] == [report.id]
    assert wr.list_reports(PROJECT, TEAM, search="cifar", client=member) == []


def test_every_save_is_a_version_that_can_be_compared_and_restored(member: wr.ReportClient) -> None:
    report = story(member).save()
    first = wr.Report.load(TEAM, PROJECT, str(report.id), client=member)
    report.blocks[1] = wr.P("Adam converges faster, by 3 epochs.")  # changed
    del report.blocks[3]  # the H2 removed
    report.blocks.append(wr.P("Conclusion: use Adam."))  # added
    report.status = "published"
    assert report.save().version == 2

    assert [(v["version"], v["author"], v["status"]) for v in report.versions()] == [
        (2, "mia", "published"),
        (1, "mia", "draft"),
    ]
    diff = report.diff(1, 2)
    assert diff["changed_fields"] == ["status"]
    changes = [(c["change"], c["old_index"], c["new_index"]) for c in diff["blocks"]]
    assert sorted(changes, key=str) == sorted(
        [("changed", 1, 1), ("removed", 3, None), ("added", None, len(report.blocks) - 1)], key=str
    )
    assert diff["unchanged_blocks"] == len(first.blocks) - 2

    restored = report.restore(1)
    assert restored.version == 3
    assert restored == first  # version 1's content, saved as the newest
    assert wr.Report.load(TEAM, PROJECT, str(report.id), version=2, client=member).status == "published"
    assert [v["version"] for v in report.versions()] == [3, 2, 1]


def test_a_save_from_a_stale_version_is_refused_naming_the_newest(
    server: LiveServer, member: wr.ReportClient
) -> None:
    mine = story(member).save()
    theirs = wr.Report.load(TEAM, PROJECT, str(mine.id), client=member)
    theirs.title = "Optimizer study (Bo's edit)"
    theirs.save()
    mine.title = "Optimizer study (my edit)"
    with pytest.raises(Conflict, match="at version 2") as refused:
        mine.save()
    assert "base_version 2" in str(refused.value)
    assert wr.Report.load(TEAM, PROJECT, str(mine.id), client=member).title == "Optimizer study (Bo's edit)"
    # The same over plain HTTP: 409 with the field to fix.
    body = {"title": "x", "blocks": [], "base_version": 1}
    answer = httpx.put(
        f"{server.url}/api/v1/reports/{TEAM}/{PROJECT}/{mine.id}", json=body, headers=server.headers
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["field"] == "base_version"


def test_of_eight_writers_saving_the_same_version_at_once_exactly_one_wins(member: wr.ReportClient) -> None:
    first = story(member).save()
    copies = [wr.Report.load(TEAM, PROJECT, str(first.id), client=member) for _ in range(8)]
    for i, copy in enumerate(copies):
        copy.title = f"edit {i}"

    def save(copy: wr.Report) -> str:
        try:
            copy.save()
        except Conflict:
            return "refused"
        return "saved"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(save, copies))
    assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
    winner = copies[outcomes.index("saved")]
    assert [v["version"] for v in first.versions()] == [2, 1]
    assert wr.Report.load(TEAM, PROJECT, str(first.id), client=member).title == winner.title


def test_a_viewer_reads_but_cannot_save_and_an_outsider_sees_nothing(
    server: LiveServer, member: wr.ReportClient
) -> None:
    report = story(member).save()
    viewer = client_as(server, make_user(server, "vic", admin=False, role="viewer", entity=TEAM))
    seen = wr.Report.from_url(report.url, client=viewer)
    assert seen == story(member)
    seen.title = "vandalised"
    with pytest.raises(PermissionDenied):
        seen.save()
    with pytest.raises(PermissionDenied):
        seen.restore(1)
    with pytest.raises(PermissionDenied):
        wr.Report(project=PROJECT, entity=TEAM, title="mine", client=viewer).save()
    outsider = client_as(server, make_user(server, "oz", admin=False, role=None))
    with pytest.raises(NotFound):
        wr.Report.from_url(report.url, client=outsider)
    with pytest.raises(NotFound):
        wr.list_reports(PROJECT, TEAM, client=outsider)
    assert [v["version"] for v in report.versions()] == [1]


def test_bad_blocks_are_refused_naming_the_field(server: LiveServer) -> None:
    url = f"{server.url}/api/v1/reports/{TEAM}/{PROJECT}"
    heading = {"type": "heading", "level": 4, "text": [{"text": "too deep"}]}
    answer = httpx.post(url, json={"title": "t", "blocks": [heading]}, headers=server.headers)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "blocks.0.heading.level"
    script = {"type": "paragraph", "text": [{"text": "click", "link": "javascript:alert(1)"}]}
    answer = httpx.post(url, json={"title": "t", "blocks": [script]}, headers=server.headers)
    assert answer.status_code == 400
    assert "no http(s) or mailto URL" in answer.text
    huge = {"type": "code", "code": "x" * 90_000}
    answer = httpx.post(url, json={"title": "t", "blocks": [huge] * 12}, headers=server.headers)
    assert answer.status_code == 413
    assert answer.json()["error"]["field"] == "blocks"
    assert httpx.get(url, headers=server.headers).json() == {"reports": []}


def test_only_the_owner_or_an_admin_deletes_a_report(server: LiveServer, member: wr.ReportClient) -> None:
    report = story(member).save()
    colleague = client_as(server, make_user(server, "cole", admin=False, role="member", entity=TEAM))
    theirs = wr.Report.from_url(report.url, client=colleague)
    theirs.title = "a colleague may save a new version"
    assert theirs.save().version == 2
    with pytest.raises(PermissionDenied, match="owner \\(mia\\)"):
        theirs.delete()
    report.delete()
    assert report.id is None
    with pytest.raises(NotFound):
        theirs.versions()
    assert wr.list_reports(PROJECT, TEAM, client=member) == []
