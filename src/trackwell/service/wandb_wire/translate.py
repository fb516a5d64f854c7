"""Pure translations from what the official wandb client sends to Trackwell's records.

No I/O here: functions take the client's strings and return records or plain values, so each rule
is tested on its own (tests/unit/test_wandb_wire_translate.py) against lines captured from the real
client (``../shared/reference/wandb-sdk-and-protocol.md`` section 3).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.records import MetricRecord, OutputLine

# History lines carry these bookkeeping keys; everything else is the user's.
_STEP, _TIMESTAMP, _RUNTIME = "_step", "_timestamp", "_runtime"
_WANDB = "_wandb"

# wandb's system-metric names for what Trackwell's own monitor samples under another name (so the
# UI's System charts show the same keys whichever client logged the run); the rest keep wandb's
# name under "system/" (docs/wandb-client.md lists them).
SYSTEM_KEY_NAMES = {
    "system.cpu": "system/cpu_percent",
    "system.memory_percent": "system/memory_percent",
    "system.proc.memory.rssMB": "system/proc_memory_rss_mb",
    "system.proc.cpu.threads": "system/proc_cpu_threads",
    "system.disk./.usagePercent": "system/disk_percent",
}

# MetricRecord proto numbers in ``_wandb.m`` (section 3.4): summary ops and goals.
_SUMMARY_OPS = {1: "min", 2: "max", 3: "mean", 4: "best", 5: "last", 6: "none", 7: "copy", 8: "first"}
_GOALS = {1: "minimize", 2: "maximize"}
_OPTION_HIDDEN = 2

_LEGACY_LINE = re.compile(
    r"^(ERROR )?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?: \[[^\]]*\])? ?(.*)$", re.S
)


def _loads(line: str, what: str) -> Any:
    """wandb writes NaN/Infinity as bare tokens, as Python's json does."""
    try:
        return json.loads(line)
    except ValueError as exc:
        raise InvalidArgument(f"{what} is not JSON: {exc}", field=what) from None


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else default


def history_row(line: str) -> tuple[int | None, float, float, dict[str, Any]]:
    """One ``wandb-history.jsonl`` line -> (step, timestamp, runtime, user values)."""
    row = _loads(line, "wandb-history.jsonl")
    if not isinstance(row, dict):
        raise InvalidArgument("a wandb-history.jsonl line must be a JSON object", field="wandb-history.jsonl")
    step = row.pop(_STEP, None)
    timestamp = _number(row.pop(_TIMESTAMP, None), 0.0)
    runtime = _number(row.pop(_RUNTIME, None), 0.0)
    row.pop(_WANDB, None)
    return (
        (int(step) if isinstance(step, (int, float)) and math.isfinite(step) else None),
        timestamp,
        runtime,
        row,
    )


def events_row(line: str) -> tuple[float, float, dict[str, float]]:
    """One ``wandb-events.jsonl`` line (system metrics) -> (timestamp, runtime, values by our names)."""
    row = _loads(line, "wandb-events.jsonl")
    if not isinstance(row, dict):
        raise InvalidArgument("a wandb-events.jsonl line must be a JSON object", field="wandb-events.jsonl")
    timestamp = _number(row.pop(_TIMESTAMP, None), 0.0)
    runtime = _number(row.pop(_RUNTIME, None), 0.0)
    values: dict[str, float] = {}
    for key, value in row.items():
        if key.startswith("_") or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        values[system_key(key)] = float(value)
    return timestamp, runtime, values


def system_key(key: str) -> str:
    if key in SYSTEM_KEY_NAMES:
        return SYSTEM_KEY_NAMES[key]
    return "system/" + (key[len("system.") :] if key.startswith("system.") else key)


def summary_values(line: str) -> dict[str, Any]:
    """The ``wandb-summary.json`` line: the whole summary, without wandb's internal ``_wandb``."""
    summary = _loads(line, "wandb-summary.json")
    if not isinstance(summary, dict):
        raise InvalidArgument("wandb-summary.json must be a JSON object", field="wandb-summary.json")
    # _step, _runtime and _timestamp stay: the Trackwell SDK's summary holds them too.
    return {k: v for k, v in summary.items() if k != _WANDB}


def output_line(line: int, text: str, now: float) -> OutputLine:
    """One console line: ``"<ISO time> text"`` (``"ERROR "`` first for stderr) or, when the server
    advertises STRUCTURED_CONSOLE_LOGS, ``{"ts", "content", "level"}`` JSON."""
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and "content" in obj:
            stream = "stderr" if obj.get("level") == "error" else "stdout"
            return OutputLine(
                line=line, stream=stream, timestamp=_iso(obj.get("ts"), now), text=str(obj["content"])
            )
    match = _LEGACY_LINE.match(text)
    if match is None:
        return OutputLine(line=line, stream="stdout", timestamp=now, text=text)
    err, ts, rest = match.groups()
    return OutputLine(line=line, stream="stderr" if err else "stdout", timestamp=_iso(ts, now), text=rest)


def _iso(value: Any, default: float) -> float:
    if not isinstance(value, str):
        return default
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return default


def unwrap_config(config_json: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """wandb's wrapped config (``{"lr": {"value": 0.1}, "_wandb": {"value": {...}}}``) -> (the
    user's config, wandb's own ``_wandb`` part: telemetry ``t``, metric definitions ``m``,
    environment ``e``)."""
    if config_json is None:
        return {}, {}
    raw = _loads(config_json, "config") if isinstance(config_json, str) else config_json
    if not isinstance(raw, dict):
        raise InvalidArgument("config must be a JSON object", field="config")
    user: dict[str, Any] = {}
    internal: dict[str, Any] = {}
    for key, wrapped in raw.items():
        value = wrapped.get("value") if isinstance(wrapped, dict) and "value" in wrapped else wrapped
        if key == _WANDB:
            internal = value if isinstance(value, dict) else {}
        else:
            user[key] = value
    return user, internal


def wrap_config(config: dict[str, Any], internal: dict[str, Any] | None = None) -> str:
    """The other way, for RunResumeStatus and the public API's ``Run.config``."""
    wrapped: dict[str, Any] = {key: {"desc": None, "value": value} for key, value in config.items()}
    if internal:
        wrapped[_WANDB] = {"desc": None, "value": internal}
    return json.dumps(wrapped)


def metric_definitions(internal: dict[str, Any]) -> list[MetricRecord]:
    """``_wandb.m``: define_metric calls as MetricRecord protos by field number (section 3.4).
    ``"5"`` is a 1-based index into the same list naming the step metric."""
    entries = internal.get("m")
    if not isinstance(entries, list):
        return []
    names = [str(e.get("1") or e.get("2") or "") if isinstance(e, dict) else "" for e in entries]
    out: list[MetricRecord] = []
    for entry, name in zip(entries, names, strict=True):
        if not isinstance(entry, dict) or not name:
            continue
        step_metric = entry.get("4")
        index = entry.get("5")
        if step_metric is None and isinstance(index, int) and 1 <= index <= len(names):
            step_metric = names[index - 1] or None
        options = _int_list(entry.get("6"))
        ops = _int_list(entry.get("7"))
        out.append(
            MetricRecord(
                seq=0,
                name=name,
                step_metric=step_metric,
                summary=[_SUMMARY_OPS[o] for o in ops if o in _SUMMARY_OPS and o != 7],
                goal=_GOALS.get(entry.get("8")),  # type: ignore[arg-type]
                hidden=_OPTION_HIDDEN in options,
            )
        )
    return out


def _int_list(value: Any) -> list[int]:
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


# wandb-metadata.json fields that are not the run's context (who wrote it, and wandb's ids).
_NOT_CONTEXT = frozenset({"writerId", "email"})


def run_metadata(data: bytes) -> dict[str, Any] | None:
    """``wandb-metadata.json`` -> the run's metadata. Its fields already carry the names the
    Trackwell SDK uses (os, python, host, program, codePath, git.commit, cpu_count, memory.total,
    disk, gpu ...; docs/run-context.md); None for a file that is not a JSON object."""
    try:
        meta = json.loads(data)
    except ValueError:
        return None
    if not isinstance(meta, dict):
        return None
    return {k: v for k, v in meta.items() if k not in _NOT_CONTEXT}
