"""The export service in process on a real SQLite store: the images of one export are bounded in
total (a report of many large images cannot grow the file, or the server's memory, without end)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from trackwell.schema.reports import ReportCreate
from trackwell.schema.runs import RunUpsert
from trackwell.service import report_export
from trackwell.service.artifacts import ArtifactService
from trackwell.service.files import FileService
from trackwell.service.project_access import ProjectAccess
from trackwell.service.report_export import ReportExporter
from trackwell.service.reports import ReportService
from trackwell.store.base import RunKey
from trackwell.store.blobs.registry import open_blob_store
from trackwell.store.sql.database import open_database


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(out, format="PNG")
    return out.getvalue()


def test_images_past_the_exports_budget_are_named_not_embedded(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(sqlite_url)
    try:
        blobs = open_blob_store(str(tmp_path / "blobs"))
        files = FileService(db, blobs)
        with db.begin() as conn:
            user = db.users.create_user(conn, "ada", is_admin=True, now=1.0)
            db.runs.create_run(conn, RunKey("e", "p", "r1"), RunUpsert(session_id="s"), 1.0)
        red, blue = _png((200, 0, 0)), _png((0, 0, 200))
        files.upload(RunKey("e", "p", "r1"), "red.png", red)
        files.upload(RunKey("e", "p", "r1"), "blue.png", blue)
        image = {"type": "image", "run_file": {"entity": "e", "project": "p", "run_id": "r1"}}
        body = ReportCreate.model_validate(
            {
                "title": "Images",
                "blocks": [
                    {**image, "run_file": {**image["run_file"], "path": "red.png"}},  # type: ignore[dict-item]
                    {**image, "run_file": {**image["run_file"], "path": "blue.png"}},  # type: ignore[dict-item]
                ],
            }
        )
        access = ProjectAccess()
        report = ReportService(db, access=access).create(user, "e", "p", body)
        exporter = ReportExporter(db, files, access, ArtifactService(db, blobs))
        monkeypatch.setattr(report_export, "MAX_EMBEDDED_BYTES", len(red) + len(blue) - 1)
        page = exporter.export(
            user, "e", "p", report.id, None, "https://tw.example/r", "html"
        ).content.decode()
    finally:
        db.close()
    assert page.count('<img src="data:image/png;base64,') == 1  # the first fits, the second does not
    assert "Image e/p/r1/blue.png is not in this export: the export already embeds its limit" in page
