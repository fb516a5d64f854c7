"""``create_app(settings)``: the FastAPI application of one server process.

The lifespan builds the services (:mod:`trackwell.server.services`: database, blob store and every
service, once), makes sure the local user and its key exist, and runs the crash monitor; shutdown
undoes it in reverse. Any number of processes may serve one database: all shared state lives in it.
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
from trackwell.server.access_log import install_access_log_redaction
from trackwell.server.crash_monitor import CrashMonitor
from trackwell.server.errors import install_error_handlers
from trackwell.server.request_limits import RequestSizeLimit
from trackwell.server.routes import (
    alert_rules,
    artifacts,
    blobs,
    comments,
    files,
    health,
    history,
    identity_teams,
    identity_users,
    importance,
    invites,
    oidc,
    passwords,
    projects,
    records,
    report_export,
    report_links,
    reports,
    runs,
    sweeps,
    tables,
)
from trackwell.server.routes.ui_workspace import include_ui_routers
from trackwell.server.security_headers import SecurityHeaders
from trackwell.server.server_file import read_server_file
from trackwell.server.services import build_services
from trackwell.server.settings import ServerSettings
from trackwell.server.static import install_static
from trackwell.server.wandb_protocol import routes as wandb_protocol
from trackwell.service.alert_delivery import AlertDeliveryWorker

log = logging.getLogger("trackwell.server")


def create_app(settings: ServerSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings)
        monitor = CrashMonitor(
            services.runs, settings.heartbeat_timeout, on_crashed=services.alert_rules.runs_crashed
        )
        deliveries = AlertDeliveryWorker(
            services.db,
            lambda: settings.public_url or (read_server_file(settings.data_dir) or {}).get("url"),
            services.alert_rules.enqueued,
            retry_seconds=settings.alert_retry_seconds,
            max_attempts=settings.alert_max_attempts,
            local_destinations=settings.local or settings.webhooks_to_local_addresses,
        )
        try:
            if settings.bootstrap_local_user:
                services.auth.bootstrap_local_user(settings.data_dir)
            app.state.services = services
            monitor.start()
            deliveries.start()
            yield
        finally:
            deliveries.stop()
            monitor.stop()
            services.close()

    app = FastAPI(
        title="Trackwell",
        version=trackwell.__version__,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    for module in (
        health,
        alert_rules,
        oidc,
        passwords,
        invites,
        projects,
        importance,
        runs,
        records,
        history,
        files,
        tables,
        blobs,
        artifacts,
        sweeps,
        wandb_protocol,
        identity_users,
        identity_teams,
        reports,
        report_export,
        report_links,
        comments,
    ):
        app.include_router(module.router)
    include_ui_routers(app)
    install_static(app, settings.static_dir)  # last: its catch-all route must not shadow the API
    app.openapi = _openapi_with_body_models(app)  # type: ignore[method-assign]
    app.add_middleware(RequestSizeLimit, limit=settings.max_request_bytes)
    # The security headers wrap the whole stack, Starlette's outermost ServerErrorMiddleware too, so
    # that its 500 answers carry them like every other answer (the size limit's 413 included).
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack(), settings.hsts_seconds)  # type: ignore[method-assign]
    install_access_log_redaction()
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
