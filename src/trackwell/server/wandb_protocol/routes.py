"""The wandb client's endpoints (section 3.1 of the protocol reference), thin over the services:

* ``POST /graphql``: GraphQL over HTTP; HTTP basic auth ``api:<key>`` (``CurrentUser``).
* ``POST /files/{entity}/{project}/{run_id}/file_stream``: history, system metrics, summary,
  console lines and the run's end, as JSON lines (``service/wandb_wire/file_stream.py``).
* ``PUT /wandb/files/{token}``: a run file's bytes, to the URL CreateRunFiles handed out; the token
  is the permission (no Authorization header: the client sends none there).

Domain errors keep their HTTP status (403, 404, 400 ... are not retried by the client, so it stops
at once with our message) and come as a GraphQL ``errors`` list, which the client shows.
"""

from __future__ import annotations

import json
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Request
from graphql import GraphQLError, GraphQLSchema
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse

from trackwell.schema.errors import InvalidArgument, TrackwellError
from trackwell.server.bodies import read_body, spool_body
from trackwell.server.deps import CurrentUser, ServicesDep, current_user
from trackwell.server.services import Services
from trackwell.server.wandb_protocol.context import WireContext
from trackwell.server.wandb_protocol.graphql_schema import build_schema
from trackwell.store.base import RunKey, User

router = APIRouter(tags=["wandb protocol"])
# The client's requests stay far below this (file_stream sends at most ~10 MiB); GraphQL bodies
# carry configs and summaries as JSON strings.
MAX_PROTOCOL_BODY = 64 << 20
_schema: GraphQLSchema | None = None


def _graphql_schema() -> GraphQLSchema:
    global _schema  # built once per process, on first use (parsing the SDL costs ~20 ms)
    if _schema is None:
        _schema = build_schema()
    return _schema


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _json_body(request: Request) -> Any:
    raw = await read_body(request, MAX_PROTOCOL_BODY)
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise InvalidArgument("the body is not JSON", field="body") from None


def _graphql_error(exc: TrackwellError) -> Response:
    """A domain error in GraphQL's shape: the client shows ``errors[0].message`` (a 401's included)."""
    body = {"errors": [{"message": str(exc), "extensions": {"code": type(exc).__name__}}], "data": None}
    return JSONResponse(body, status_code=exc.http_status)


@router.post("/graphql", include_in_schema=False)
async def graphql(request: Request, services: ServicesDep) -> Response:
    try:
        user = await current_user(request, services)
        body = await _json_body(request)
    except TrackwellError as exc:
        return _graphql_error(exc)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _graphql_error(InvalidArgument("a GraphQL request is {query, variables?, operationName?}"))
    if not body.get("operationName"):
        body.pop("operationName", None)  # the public API sends "": the document's only operation
    return await run_in_threadpool(_execute, services, user, body, _base_url(request))


def _execute(services: Services, user: User, body: dict[str, Any], base_url: str) -> Response:
    from ariadne import graphql_sync

    context = WireContext(principal=services.auth.principal(user), wandb=services.wandb, base_url=base_url)
    _, result = graphql_sync(
        _graphql_schema(), body, context_value=context, debug=False, error_formatter=_format
    )
    status = 200
    for error in result.get("errors") or []:
        status = max(status, int(error.pop("_status", 200)))
    return JSONResponse(result, status_code=status)


def _format(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.path is not None:
        formatted["path"] = error.path
    original = error.original_error
    if isinstance(original, TrackwellError):
        formatted["message"] = str(original)
        formatted["extensions"] = {"code": type(original).__name__, "field": original.field}
        formatted["_status"] = original.http_status
    elif original is not None:
        # Never a traceback or an internal message in the answer; the log has it.
        import logging

        logging.getLogger("trackwell.server").error("GraphQL resolver failed", exc_info=original)
        formatted["message"] = "internal error"
        formatted["_status"] = 500
    return formatted


@router.post("/files/{entity}/{project}/{run_id}/file_stream", include_in_schema=False)
async def file_stream(
    entity: str, project: str, run_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise InvalidArgument("a file_stream body is a JSON object", field="body")
    key = RunKey(entity=entity, project=project, run_id=run_id)
    answer = await run_in_threadpool(_apply_file_stream, services, user, key, body)
    return JSONResponse(answer)


def _apply_file_stream(services: Services, user: User, key: RunKey, body: dict[str, Any]) -> dict[str, Any]:
    principal = services.auth.principal(user)
    return services.wandb.file_stream.apply(principal, key, body)


async def _upload_body(request: Request, services: ServicesDep) -> Any:
    async for body in spool_body(request, services.settings.max_file_bytes):
        yield body


@router.put("/wandb/files/{token}", include_in_schema=False)
def upload_run_file(
    token: str, body: Annotated[IO[bytes], Depends(_upload_body)], services: ServicesDep
) -> Response:
    stored = services.wandb.receive_file(token, body)
    return JSONResponse({"path": stored.path, "size": stored.size})


@router.get("/wandb/download/{token}", include_in_schema=False)
def download_run_file(token: str, services: ServicesDep) -> Response:
    """``File.directUrl`` of the public API: fetched without an Authorization header."""
    key, path = services.wandb.uploads.verify_download(token)
    info, chunks = services.files.read(key, path)
    return StreamingResponse(
        chunks,
        media_type="application/octet-stream",
        headers={"Content-Length": str(info.size), "Content-Disposition": "attachment"},
    )


@router.put("/wandb/artifact-files/{token}", include_in_schema=False)
def upload_artifact_file(
    token: str, body: Annotated[IO[bytes], Depends(_upload_body)], services: ServicesDep
) -> Response:
    """An artifact file's or manifest's bytes, to the URL CreateArtifactFiles/CreateArtifactManifest
    handed out (the token is the permission)."""
    stored = services.wandb.artifacts.save.receive(token, body)
    return JSONResponse({"size": stored.size})


@router.get("/wandb/artifact-download/{token}", include_in_schema=False)
def download_artifact_file(token: str, services: ServicesDep) -> Response:
    """An artifact file's ``directUrl`` or its manifest's, fetched without an Authorization header."""
    size, chunks = services.wandb.artifacts.read.download(token)
    return StreamingResponse(
        chunks,
        media_type="application/octet-stream",
        headers={"Content-Length": str(size), "Content-Disposition": "attachment"},
    )
