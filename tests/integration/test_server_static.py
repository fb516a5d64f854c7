"""The web UI is served from the static folder with an index.html fallback; the API stays JSON."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from trackwell.server.app import create_app
from trackwell.server.settings import ServerSettings


def _get_all(settings: ServerSettings, paths: list[str]) -> list[httpx.Response]:
    # Static routes need no database, so the app is driven in-process without its lifespan.
    async def fetch() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://ui.test") as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_ui_files_and_client_side_routes(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<html>trackwell ui</html>")
    (static / "assets" / "app-123.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside")
    settings = ServerSettings(data_dir=tmp_path / "data", static_dir=static)

    root, deep, asset, escape, api, spec = _get_all(
        settings,
        ["/", "/me/project/runs/abc", "/assets/app-123.js", "/assets/%2E%2E/%2E%2E/secret.txt",
         "/api/v1/nothing", "/openapi.json"],
    )  # fmt: skip
    assert root.text == deep.text == "<html>trackwell ui</html>"
    assert root.headers["cache-control"] == "no-cache"
    assert asset.text == "console.log(1)" and "immutable" in asset.headers["cache-control"]
    assert "outside" not in escape.text
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"

    openapi = spec.json()
    assert "RecordBatch" in openapi["components"]["schemas"]
    records = openapi["paths"]["/api/v1/runs/{entity}/{project}/{run_id}/records"]["post"]
    body_schema = records["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/RecordBatch"}


def test_without_a_ui_build_the_root_is_404(tmp_path: Path) -> None:
    settings = ServerSettings(data_dir=tmp_path / "data", static_dir=tmp_path / "no-ui")
    (root,) = _get_all(settings, ["/"])
    assert root.status_code == 404


def test_the_media_viewer_page_is_sandboxed_and_its_assets_load_from_an_opaque_origin(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<html>app</html>")
    (static / "viewer.html").write_text("<html>viewer</html>")
    (static / "assets" / "viewer-1.js").write_text("draw()")
    settings = ServerSettings(data_dir=tmp_path / "data", static_dir=static)

    viewer, asset, index = _get_all(settings, ["/viewer.html", "/assets/viewer-1.js", "/"])
    # Opened on its own or framed, the viewer's scripts run in an opaque origin and fetch nothing.
    csp = viewer.headers["content-security-policy"]
    assert csp.startswith("sandbox allow-scripts;") and "allow-same-origin" not in csp
    assert "frame-ancestors 'self'" in csp and "connect-src data: blob:" in csp
    # Module scripts from an opaque origin are CORS requests: public assets answer them.
    assert asset.headers["access-control-allow-origin"] == "*"
    # The app's page is under the UI's strict policy, and not readable cross-origin.
    assert "script-src 'self';" in index.headers["content-security-policy"]
    assert "access-control-allow-origin" not in index.headers
