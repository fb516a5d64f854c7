"""Export of a report to one static HTML file and to PDF, against a live server with runs logged
through the SDK: the charts are real PNG images, the comparer shows the logged numbers, an image a
run logged is embedded, nothing in the file runs script or fetches anything, the PDF holds the
report's text, and only readers of the project may export."""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

import trackwell
import trackwell.reports as wr
from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer
from trackwell.sdk.transport import HttpTransport

PROJECT = "export"
RUNS = {
    "adam-lr3": ("adam", 0.001, 0.9712),
    "sgd-lr2": ("sgd", 0.01, 0.9431),
    "sgd-lr1": ("sgd", 0.1, 0.9105),
}
PNG_SRC = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(params=["sqlite"])
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A live server on SQLite, or on each backend a test names (``indirect`` parametrization)."""
    with server_on_backend(request, tmp_path / "data") as live:
        yield live


@pytest.fixture
def logged(live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Three runs logged through the SDK (loss over 60 steps, a summary accuracy, an image); the
    entity they were logged to."""
    env = live_server.sdk_env(tmp_path / "config")
    for name in set(os.environ) - set(env):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    entity: str | None = None
    for run_id, (optimizer, lr, acc) in RUNS.items():
        run = trackwell.init(
            project=PROJECT, id=run_id, name=run_id, dir=tmp_path, config={"optimizer": optimizer, "lr": lr}
        )
        entity = run.entity
        for step in range(60):
            run.log({"loss": 2.0 * (1 - lr) ** step + 0.05, "acc": acc * step / 59})
        pixels = np.zeros((16, 16, 3), dtype=np.uint8)
        pixels[:, :, 0] = 200
        run.log({"samples": trackwell.Image(pixels, caption="red")})
        run.summary["val/acc"] = acc
        if run_id == "adam-lr3":  # the data set this run made, used by the next one
            (tmp_path / "data.txt").write_text("digits")
            dataset = trackwell.Artifact("digits", type="dataset")
            dataset.add_file(str(tmp_path / "data.txt"))
            run.log_artifact(dataset).wait()
        elif run_id == "sgd-lr2":
            run.use_artifact("digits:latest")
        run.finish()
    assert entity is not None
    yield entity


def make_report(server: LiveServer, entity: str, **extra: object) -> wr.Report:
    client = wr.ReportClient(HttpTransport(server.url, server.api_key, timeout=30))
    report = wr.Report(
        project=PROJECT,
        entity=entity,
        title='Optimizer study <script>alert("t")</script> — Ünïcode/"quoted"',
        description="Does Adam beat SGD?",
        client=client,
        blocks=[
            wr.H1("Hypothesis"),
            wr.P(["Adam converges ", wr.Bold("faster"), " than SGD."]),
            wr.PanelGrid(
                # The short form, as the runs table and wandb scripts write it; "lr" is a config key.
                runsets=[wr.Runset(entity=entity, project=PROJECT, filters="state=finished and lr>0.0001")],
                panels=[
                    wr.LinePlot(x="Step", y=["loss"], title="Training loss"),
                    wr.BarPlot(["val/acc"]),
                    wr.ScatterPlot(x="config.lr", y="summary.val/acc"),
                    wr.ParallelCoordinatesPlot(columns=["config.lr", "summary.val/acc"]),
                    wr.ScalarChart("val/acc", "max"),
                    wr.RunComparer(diff_only=True),
                ],
            ),
            wr.CalloutBlock(["Next: rerun with warmup."]),
        ],
        **extra,  # type: ignore[arg-type]
    )
    report.save()
    return report


def export(
    server: LiveServer, report: wr.Report, fmt: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    path = f"/api/v1/reports/{report.entity}/{PROJECT}/{report.id}/export.{fmt}"
    return httpx.get(server.url + path, headers=headers or server.headers, timeout=120)


@pytest.mark.parametrize("live_server", BACKENDS, indirect=True)
def test_html_export_is_one_static_file_with_the_charts_and_numbers_logged(
    live_server: LiveServer, logged: str
) -> None:
    report = make_report(live_server, logged)
    answer = export(live_server, report, "html")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment; ") and "filename*=UTF-8''" in disposition
    assert "/" not in disposition.split("filename*=UTF-8''")[1].replace("%2F", "")
    page = answer.text
    # The title is text, never markup; nothing runs and nothing is fetched.
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//[^"']*\.(png|css|js)""", page)
    assert "url(http" not in page and "<link" not in page
    # Line, bar, scatter and parallel coordinates: four decodable PNG charts.
    charts = [Image.open(io.BytesIO(base64.b64decode(b))) for b in PNG_SRC.findall(page)]
    assert len(charts) >= 4
    assert all(c.format == "PNG" and c.width >= 600 and c.height >= 300 for c in charts)
    # The comparer shows the logged values (lr differs, so it is kept with diff_only).
    comparer = page[page.index("Run comparer") :]
    for _, lr, acc in RUNS.values():
        assert f"<td>{lr:.6g}</td>" in comparer and f"<td>{acc:.6g}</td>" in comparer
    # The scalar is the max of the runs' val/acc.
    assert ">0.9712<" in page
    for text in ("Hypothesis", "Adam converges", "<strong>faster</strong>", "Next: rerun with warmup."):
        assert text in page


def test_an_image_a_run_logged_is_embedded_and_media_panels_show_it(
    live_server: LiveServer, logged: str
) -> None:
    with live_server.client() as api:
        files = api.get(f"/api/v1/runs/{logged}/{PROJECT}/adam-lr3/files").json()["files"]
    image_path = next(f["path"] for f in files if f["path"].endswith(".png"))
    report = make_report(live_server, logged)
    report.blocks = [
        wr.Image(run_path=f"{logged}/{PROJECT}/adam-lr3", path=image_path, caption="a logged sample"),
        wr.Image(url="https://example.com/remote.png", caption="from the web"),
        wr.PanelGrid(
            runsets=[wr.Runset(entity=logged, project=PROJECT)],
            panels=[wr.MediaBrowser(media_keys="samples")],
        ),
    ]
    report.save()
    page = export(live_server, report, "html").text
    embedded = [Image.open(io.BytesIO(base64.b64decode(b))) for b in PNG_SRC.findall(page)]
    red = [im for im in embedded if im.size == (16, 16)]
    assert len(red) == 1 + len(RUNS)  # the image block and one per run in the media panel
    assert red[0].convert("RGB").getpixel((3, 3)) == (200, 0, 0)
    # A web image is a link, not a fetch.
    assert 'href="https://example.com/remote.png"' in page and 'src="https://' not in page


def test_pdf_export_holds_the_reports_text(live_server: LiveServer, logged: str, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    report = make_report(live_server, logged)
    answer = export(live_server, report, "pdf")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert '.pdf"' in answer.headers["content-disposition"]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text is not read back")
    (tmp_path / "r.pdf").write_bytes(answer.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Optimizer study" in text and "Adam converges" in text and "Training loss" in text


def test_only_readers_of_the_project_export(live_server: LiveServer, logged: str) -> None:
    report = make_report(live_server, logged)
    outsider = make_user(live_server, "olga", admin=False, role=None)
    viewer = make_user(live_server, "vera", admin=False, role="viewer", entity=logged)
    assert export(live_server, report, "html", outsider).status_code == 404
    assert export(live_server, report, "html", viewer).status_code == 200
    old = export(live_server, report, "html").text
    report.title = "Second title"
    report.save()
    path = f"/api/v1/reports/{logged}/{PROJECT}/{report.id}/export.html?version=1"
    first = httpx.get(live_server.url + path, headers=live_server.headers, timeout=60)
    assert first.status_code == 200 and "Optimizer study" in first.text and "Second title" not in first.text
    assert "Optimizer study" in old


@pytest.mark.parametrize("live_server", BACKENDS, indirect=True)
def test_lineage_grouping_and_several_run_sets(live_server: LiveServer, logged: str) -> None:
    report = make_report(live_server, logged)
    report.blocks = [
        wr.PanelGrid(
            runsets=[wr.Runset(entity=logged, project=PROJECT, groupby=["config.optimizer"])],
            panels=[
                wr.LinePlot(x="Step", y=["loss"], title="Grouped loss"),
                wr.ArtifactLineage("digits:latest"),
                wr.BarPlot(["val/acc"], title="Accuracy by optimizer"),
                wr.ScalarChart("val/acc", "mean"),
            ],
        ),
        wr.PanelGrid(
            runsets=[
                wr.Runset(entity=logged, project=PROJECT, filters="optimizer=adam", name="Adam"),
                wr.Runset(entity=logged, project=PROJECT, filters="optimizer=sgd", name="SGD"),
            ],
            panels=[wr.BarPlot(["val/acc"], title="Both run sets")],
        ),
        wr.PanelGrid(
            runsets=[wr.Runset(entity=logged, project=PROJECT, filters="lr>>1")],
            panels=[wr.BarPlot(["val/acc"], title="Bad filter")],
        ),
    ]
    report.save()
    page = export(live_server, report, "html").text
    assert "grouped by config.optimizer" in page
    # The lineage: the run that logged the data set and the run that used it.
    lineage = page[page.index("Lineage of digits:latest") :]
    assert re.search(r"run adam-lr3</td><td>logged</td><td><strong>digits:v0", lineage)
    assert re.search(r"digits:v0 .*?</strong></td><td>used by</td><td>run sgd-lr2", lineage)
    # Two run sets: one with the adam run, one with the two sgd runs; the bars cover all three.
    assert "Adam (" in page and ": 1 runs" in page and "SGD (" in page and ": 2 runs" in page
    # A filter that does not parse says why, and its panels say they are in the live report.
    bad = page[page.index("Bad filter") - 2000 :]
    assert "not drawn" in bad and "Panel type <strong>bar</strong> is shown in the live report" in bad
    # Grouped: the scalar per group, over every run of it (sgd: the mean of its two runs).
    scalar = page[page.index("mean per group") - 1500 :]
    assert re.search(r"adam</th><td class=\"number-cell\">0.9712</td><td class=\"muted\">1 runs", scalar)
    assert re.search(r"sgd</th><td class=\"number-cell\">0.9268</td><td class=\"muted\">2 runs", scalar)
    assert len(PNG_SRC.findall(page)) == 3  # grouped lines, grouped bars, the two-run-set bars


def test_cli_saves_a_report_by_address_or_id(live_server: LiveServer, logged: str, tmp_path: Path) -> None:
    report = make_report(live_server, logged)
    env = live_server.sdk_env(tmp_path / "cli-config")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "trackwell", "report", "export", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)

    done = cli(report.url, "-o", str(tmp_path / "study.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "study.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Adam converges" in page
    done = cli(report.id or "", "--project", PROJECT, "--version", "1", "-o", str(tmp_path / "study.pdf"))
    if importlib.util.find_spec("weasyprint") is not None:
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "study.pdf").read_bytes().startswith(b"%PDF")
    # A report that is not there: one line naming it, and no file left behind.
    done = cli("zzzzzzzz", "--project", PROJECT, "-o", str(tmp_path / "none.html"))
    assert done.returncode == 1 and "no report 'zzzzzzzz'" in done.stderr
    assert not (tmp_path / "none.html").exists() and not list(tmp_path.glob(".none.html.*"))
