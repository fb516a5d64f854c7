"""Trackwell objects in the shapes the wandb client reads (plain dicts; GraphQL picks the fields
each document asks for). Ids are wandb-style opaque ids (service/wandb_wire/ids.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from trackwell.schema.runs import RunOut
from trackwell.service.wandb_wire import ids, translate
from trackwell.service.wandb_wire.runs import Bucket, history_tail
from trackwell.store.base import Principal, RunKey


def iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def entity(name: str) -> dict[str, Any]:
    return {"id": ids.entity_id(name), "name": name, "organization": None}


def project(entity_name: str, name: str) -> dict[str, Any]:
    return {
        "id": ids.project_id(entity_name, name),
        "internalId": ids.project_internal_id(entity_name, name),
        "name": name,
        "entityName": entity_name,
        "entity": entity(entity_name),
        "readOnly": False,
        "_key": (entity_name, name),
    }


def viewer(principal: Principal) -> dict[str, Any]:
    user = principal.user
    teams = [user.entity, *sorted(name for name in principal.roles if name != user.entity)]
    return {
        "id": ids.user_id(user.id),
        "name": user.display_name or user.username,
        "entity": user.entity,
        "username": user.username,
        "email": user.email or "",
        "flags": "{}",
        "admin": user.is_admin,
        "photoUrl": None,
        "apiKeys": None,
        "defaultFramework": None,
        "teams": {"edges": [{"node": entity(name)} for name in teams]},
    }


def run(key: RunKey, out: RunOut, bucket: Bucket | None = None) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": ids.run_id(key),
        "name": key.run_id,
        "displayName": out.display_name,
        "description": out.notes,
        "notes": out.notes,
        "config": translate.wrap_config(out.config),
        "summaryMetrics": json.dumps(out.summary),
        "sweepName": out.sweep_id,
        "state": out.state,
        "group": out.group,
        "jobType": out.job_type,
        "tags": out.tags,
        "project": project(key.entity, key.project),
        "historyLineCount": out.history_count,
        "createdAt": iso(out.created_at),
        "heartbeatAt": iso(out.heartbeat_at),
        "historyTail": history_tail(out),
        "eventsTail": "[]",
        # RunResumeStatus asks for keys ["t"]: without "t" the client takes the run for a new one.
        "wandbConfig": json.dumps({"t": {}}),
        "projectId": ids.project_internal_id(key.entity, key.project),
        "commit": (out.metadata.get("git") or {}).get("commit") if isinstance(out.metadata, dict) else None,
        "readOnly": False,
        "systemMetrics": "{}",
        # The run's entity stands for its user (a personal entity is its owner's name).
        "user": {"name": key.entity, "username": key.entity},
        "_key": key,  # for the Run fields that read the store (resolvers_reads.py)
    }
    if bucket is not None:
        shape["historyLineCount"] = bucket.history_lines
        shape["eventsLineCount"] = bucket.events_lines
        shape["logLineCount"] = bucket.log_lines
    return shape


def encode_file_id(key: RunKey, path: str) -> str:
    return ids.encode("File", f"{key.entity}/{key.project}/{key.run_id}/{path}")
