"""``create_app(settings)``: the FastAPI application of one server process.

The lifespan opens the database and the blob store, builds the services, makes sure the local
user and its key exist, and runs the crash monitor; shutdown undoes it in reverse. Any number of
processes may serve one database: all shared state lives in it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

import trackwell
from trackwell.schema.records import RecordBatch
from trackwell.server.crash_monitor import CrashMonitor
from trackwell.server.deps import Services
from trackwell.server.errors import install_error_handlers
from trackwell.server.routes import files, health, history, projects, records, runs, tables
from trackwell.server.routes.ui_workspace import include_ui_routers
from trackwell.server.settings import ServerSettings
from trackwell.server.static import install_static
from trackwell.service.auth import AuthService
from trackwell.service.files import FileService
from trackwell.service.history import HistoryService
from trackwell.service.records import RecordService
from trackwell.service.runs import RunService
from trackwell.service.tables import TableService
from trackwell.store.blobs.registry import open_blob_store
from trackwell.store.sql.database import open_database
from trackwell.store.tables.duckdb_store import DuckDBTableStore

log = logging.getLogger("trackwell.server")


def build_services(settings: ServerSettings) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(settings.resolved_database_url)
    try:
        blobs = open_blob_store(settings.resolved_blob_url)
    except BaseException:
        db.close()
        raise
    files = FileService(db, blobs)
    return Services(
        settings=settings,
        db=db,
        blobs=blobs,
        runs=RunService(db),
        records=RecordService(db, blobs),
        history=HistoryService(db),
        files=files,
        auth=AuthService(db),
        # One DuckDB instance per process; its columnar copies live in <data_dir>/cache/tables.
        tables=TableService(files, DuckDBTableStore(settings.data_dir / "cache" / "tables")),
    )


def create_app(settings: ServerSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings)
        monitor = CrashMonitor(services.runs, settings.heartbeat_timeout)
        try:
            if settings.bootstrap_local_user:
                services.auth.bootstrap_local_user(settings.data_dir)
            app.state.services = services
            monitor.start()
            yield
        finally:
            monitor.stop()
            services.tables.close()
            services.db.close()

    app = FastAPI(
        title="Trackwell",
        version=trackwell.__version__,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    for module in (health, projects, runs, records, history, files, tables):
        app.include_router(module.router)
    include_ui_routers(app)
    install_static(app, settings.static_dir)  # last: its catch-all route must not shadow the API
    app.openapi = _openapi_with_body_models(app)  # type: ignore[method-assign]
    return app


def _openapi_with_body_models(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """OpenAPI that also describes bodies the routes decode themselves (``RecordBatch``)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, routes=app.routes)
            _, extra = models_json_schema(
                [(RecordBatch, "validation")], ref_template="#/components/schemas/{model}"
            )
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in extra.get("$defs", {}).items():
                schemas.setdefault(name, schema)
            app.openapi_schema = spec
        return app.openapi_schema

    return openapi
