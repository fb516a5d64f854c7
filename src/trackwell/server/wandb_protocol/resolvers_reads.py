"""Resolvers of the public API's reads (``wandb.Api()``): a project's runs, a run's fields that
need the store (history in its several forms, keys, files). Thin: each calls
:class:`~trackwell.service.wandb_wire.reads.WandbReads` and shapes the answer."""

from __future__ import annotations

import fnmatch
import mimetypes
from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from trackwell.server.wandb_protocol import shapes
from trackwell.server.wandb_protocol.context import WireContext, wire
from trackwell.service.wandb_wire.reads import json_line, start_after
from trackwell.store.base import RunKey

Info = GraphQLResolveInfo[Any]
project_reads = ObjectType("Project")
run_type = ObjectType("Run")


def _key(obj: dict[str, Any]) -> RunKey:
    key: RunKey = obj["_key"]
    return key


@project_reads.field("runs")
def resolve_runs(obj: dict[str, Any], info: Info, **args: Any) -> dict[str, Any]:
    ctx = wire(info)
    entity, project = obj["_key"]
    page = ctx.wandb.reads.runs_page(
        ctx.principal,
        entity,
        project,
        filters=args.get("filters"),
        order=args.get("order"),
        cursor=args.get("after"),
        per_page=int(args.get("first") or 50),
    )
    edges = []
    for i, run in enumerate(page.runs):
        key = RunKey(entity=run.entity, project=run.project, run_id=run.id)
        edges.append({"node": shapes.run(key, run), "cursor": page.cursor(i)})
    return {"edges": edges, "pageInfo": {"endCursor": page.end_cursor, "hasNextPage": page.has_next}}


@project_reads.field("runCount")
def resolve_run_count(obj: dict[str, Any], info: Info, **args: Any) -> int:
    ctx = wire(info)
    entity, project = obj["_key"]
    page = ctx.wandb.reads.runs_page(
        ctx.principal, entity, project, filters=args.get("filters"), order=None, cursor=None, per_page=1
    )
    return page.total


@run_type.field("sampledHistory")
def resolve_sampled(obj: dict[str, Any], info: Info, specs: list[str]) -> list[list[dict[str, Any]]]:
    ctx = wire(info)
    return [ctx.wandb.reads.sampled(ctx.principal, _key(obj), spec) for spec in specs]


@run_type.field("history")
def resolve_history(obj: dict[str, Any], info: Info, **args: Any) -> list[str]:
    """``history(samples)`` (RunFullHistory) and ``history(minStep, maxStep, samples)`` (HistoryPage:
    maxStep exclusive, samples the page size)."""
    ctx = wire(info)
    hi = args.get("maxStep")
    limit = int(args.get("samples") or 500)
    rows = ctx.wandb.reads.rows(
        ctx.principal, _key(obj), None, args.get("minStep"), None if hi is None else int(hi) - 1, limit
    )
    return [json_line(row) for row in rows]


@run_type.field("events")
def resolve_events(obj: dict[str, Any], info: Info, samples: int | None = None) -> list[str]:
    ctx = wire(info)
    rows = ctx.wandb.reads.rows(
        ctx.principal, _key(obj), None, None, None, int(samples or 500), stream="system"
    )
    return [json_line(row) for row in rows]


@run_type.field("historyKeys")
def resolve_history_keys(obj: dict[str, Any], info: Info) -> dict[str, Any]:
    ctx = wire(info)
    return ctx.wandb.reads.history_keys(ctx.principal, _key(obj))


@run_type.field("parquetHistory")
def resolve_parquet_history(obj: dict[str, Any], info: Info, liveKeys: list[str]) -> dict[str, Any]:  # noqa: N803
    """No parquet exports: every row comes as ``liveData``, which makes the client read history
    pages (HistoryPage) instead of downloading files."""
    ctx = wire(info)
    keys = [k for k in liveKeys if k != "_step"]
    rows = ctx.wandb.reads.rows(ctx.principal, _key(obj), keys or None, None, None)
    return {"parquetUrls": [], "liveData": [{k: row.get(k) for k in liveKeys} for row in rows]}


@run_type.field("fileCount")
def resolve_file_count(obj: dict[str, Any], info: Info) -> int:
    ctx = wire(info)
    return len(ctx.wandb.reads.files(ctx.principal, _key(obj)))


@run_type.field("files")
def resolve_files(obj: dict[str, Any], info: Info, **args: Any) -> dict[str, Any]:
    ctx = wire(info)
    key = _key(obj)
    files = ctx.wandb.reads.files(ctx.principal, key)
    names = [n for n in (args.get("names") or []) if n]
    if names:
        files = [f for f in files if f.path in names]
    pattern = args.get("pattern")
    if pattern:
        files = [f for f in files if fnmatch.fnmatchcase(f.path, pattern.replace("%", "*"))]
    start = start_after(args.get("after"))
    first = int(args.get("first") or 50)
    page = files[start : start + first]
    edges = [{"node": _file(ctx, key, f), "cursor": str(start + i)} for i, f in enumerate(page)]
    end = start + len(page)
    return {
        "edges": edges,
        "pageInfo": {"endCursor": str(end - 1) if page else None, "hasNextPage": end < len(files)},
    }


def _file(ctx: WireContext, key: RunKey, f: Any) -> dict[str, Any]:
    url = f"{ctx.base_url}/wandb/download/{ctx.wandb.uploads.download_token(key, f.path)}"
    return {
        "id": shapes.encode_file_id(key, f.path),
        "name": f.path,
        "url": url,
        "directUrl": url,
        "sizeBytes": f.size,
        "mimetype": mimetypes.guess_type(f.path)[0] or "application/octet-stream",
        "updatedAt": shapes.iso(f.updated_at),
        "md5": None,
    }
