"""Artifacts (issue 10): one router for the app, made of the versions routes and the lineage routes."""

from __future__ import annotations

from fastapi import APIRouter

from trackwell.server.routes import artifacts_lineage, artifacts_versions

router = APIRouter()
router.include_router(artifacts_versions.router)
router.include_router(artifacts_lineage.router)
