"""The public ``Run`` returned by ``Api().run()``/``Api().runs()``, with wandb's attribute names.

Why a wrapper over ``RunOut``: wandb code reads ``run.summary["loss"]``, ``run.config``,
``run.history()``, ``run.file(name).download()`` and writes back with ``run.summary.update()`` or
``run.config["x"] = v; run.tags.append(...); run.update()``. This module maps those to the HTTP API;
reads work while a run is still running (``load()`` refreshes). Stored values are decoded by
``apis.values`` (NaN and infinities come back as floats); a write-back sends only the config and
summary keys that changed since the run was read (``service.run_edits`` has the server's rule).

Imports: standard library, ``trackwell.schema`` and the SDK's HTTP client.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackwell.apis.artifacts import RunArtifacts
from trackwell.apis.downloads import download_target
from trackwell.apis.files import File, FileAlreadyExistsError, iso_time
from trackwell.apis.history import read_history, scan_rows
from trackwell.apis.summary import Summary, changes
from trackwell.apis.values import decode
from trackwell.data_types.table import Table
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.names import url_path
from trackwell.schema.runs import RunOut, RunUpdate
from trackwell.sdk.api_client import ApiClient

if TYPE_CHECKING:
    from trackwell.apis.sweeps import Sweep

_STREAMS = {"default": "history", "history": "history", "system": "system", "events": "system"}


__all__ = ["File", "FileAlreadyExistsError", "Run", "RunArtifacts", "Summary"]

# Config keys wandb keeps out of ``run.config`` (they stay in ``run.rawconfig``).
INTERNAL_CONFIG_KEYS = frozenset({"_wandb", "wandb_version"})
_iso = iso_time
_LIKE = {"%": ".*", "_": "."}  # SQL LIKE wildcards as regular expressions


def _like_regex(pattern: str) -> re.Pattern[str]:
    """MySQL's ``LIKE``: ``%`` and ``_`` are wildcards, a backslash makes the next character literal."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(_LIKE.get(char, re.escape(char)))
    if escaped:
        parts.append(re.escape("\\"))
    return re.compile("".join(parts), re.DOTALL)


class Run:
    """A run read through the public API (wandb's ``wandb.apis.public.Run``)."""

    def __init__(self, client: ApiClient, base_url: str, out: RunOut) -> None:
        self._client = client
        self._base_url = base_url
        self._set(out)

    def _set(self, out: RunOut) -> None:
        self._out = out
        self.id = out.id
        self.entity = out.entity
        self.project = out.project
        self.display_name = out.display_name
        self.tags = list(out.tags)
        self.notes = out.notes
        self.group = out.group
        self.job_type = out.job_type
        self._sweep: Sweep | None = None
        config = decode(out.config)
        self._config = {k: v for k, v in config.items() if k not in INTERNAL_CONFIG_KEYS}
        self._internal_config = {k: v for k, v in config.items() if k in INTERNAL_CONFIG_KEYS}
        self._synced_config = copy.deepcopy(self._config)
        self.summary = Summary(decode(out.summary), self._write_summary)
        self._system_metrics: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"<Run {self.entity}/{self.project}/{self.id} ({self.state})>"

    # --- read-only attributes, wandb names ----------------------------------------------------

    @property
    def _key(self) -> tuple[str, str, str]:
        return (self.entity, self.project, self.id)

    @property
    def name(self) -> str:
        """The display name (wandb's ``run.name``); assign and call ``update()`` to rename."""
        return self.display_name

    @name.setter
    def name(self, value: str) -> None:
        self.display_name = value

    @property
    def path(self) -> list[str]:
        return [self.entity, self.project, self.id]

    @property
    def url(self) -> str:
        return f"{self._base_url}/{url_path(self.entity, self.project, 'runs', self.id)}"

    @property
    def state(self) -> str:
        return self._out.state

    @property
    def storage_id(self) -> str:
        """The run's id across entities and projects, in wandb's format (base64 of ``Run:v1:...``)."""
        return base64.b64encode(f"Run:v1:{self.id}:{self.project}:{self.entity}".encode()).decode()

    @property
    def config(self) -> dict[str, Any]:
        """The config, without wandb's internal keys; change it and call ``update()`` to write back."""
        return self._config

    @property
    def rawconfig(self) -> dict[str, Any]:
        """The config including internal keys (``_wandb``)."""
        return {**self._internal_config, **self._config}

    @property
    def json_config(self) -> str:
        """The config as wandb's JSON string: ``{"key": {"value": v, "desc": null}}``."""
        wrapped: dict[str, Any] = {}
        if "_wandb" in self._internal_config:
            wrapped["_wandb"] = {"value": self._internal_config["_wandb"], "desc": None}
        for key, value in self._config.items():
            wrapped[key] = {"value": value, "desc": None}
        return json.dumps(wrapped)

    @property
    def summary_metrics(self) -> dict[str, Any]:
        """The summary as a plain dict (the same dict as ``run.summary._json_dict``)."""
        return self.summary._json_dict

    @property
    def system_metrics(self) -> dict[str, Any]:
        """The latest value of each system metric (CPU, memory, GPU, ...) the run recorded."""
        if self._system_metrics is None:
            answer = self._client.history_keys(*self._key, stream="system")
            self._system_metrics = {k.key: decode(k.last) for k in answer.keys if k.last is not None}
        return self._system_metrics

    @property
    def sweep_name(self) -> str | None:
        return self._out.sweep_id

    @property
    def sweep(self) -> Sweep | None:
        """The sweep this run is a trial of (wandb's ``run.sweep``), read on first use; None for
        other runs and when the sweep was deleted."""
        if self._out.sweep_id and self._sweep is None:
            from trackwell.apis.sweeps import Sweep

            where = (self.entity, self.project, self._out.sweep_id)
            try:
                self._sweep = Sweep.get(self._client, self._base_url, *where)
            except NotFound:
                return None
        return self._sweep

    def logged_artifacts(self, per_page: int | None = 100) -> RunArtifacts:
        """The artifact versions this run logged (``run.log_artifact``), paged lazily."""
        return RunArtifacts(self._client, self, "logged", per_page)

    def used_artifacts(self, per_page: int | None = 100) -> RunArtifacts:
        """The artifact versions this run used (``run.use_artifact``), paged lazily."""
        return RunArtifacts(self._client, self, "used", per_page)

    def use_artifact(self, artifact: Any, use_as: str | None = None) -> Any:
        """Mark a stored version (from ``Api().artifact(...)``) as used by this run: it appears in
        ``used_artifacts()``, ``artifact.used_by()`` and the lineage graph. Returns the artifact."""
        from trackwell.apis.artifacts_query import mark_used

        return mark_used(self._client, self._key, artifact, use_as)

    @property
    def metadata(self) -> dict[str, Any]:
        return dict(self._out.metadata)

    @property
    def created_at(self) -> str | None:
        return _iso(self._out.created_at)

    @property
    def heartbeat_at(self) -> str | None:
        return _iso(self._out.heartbeat_at)

    @property
    def lastHistoryStep(self) -> int:  # noqa: N802 (wandb's name)
        return -1 if self._out.last_step is None else self._out.last_step

    @property
    def history_keys(self) -> dict[str, Any]:
        """``{"keys": {key: {"typeCounts": ...}}, "lastStep": n}`` in wandb's shape."""
        answer = self._client.history_keys(*self._key)
        keys = {
            k.key: {"typeCounts": [{"type": k.kind, "count": k.count}], "last": decode(k.last)}
            for k in answer.keys
        }
        return {"keys": keys, "lastStep": answer.last_step}

    @property
    def sweep_id(self) -> str | None:
        return self._out.sweep_id

    @property
    def runtime(self) -> float:
        return self._out.runtime

    @property
    def exit_code(self) -> int | None:
        return self._out.exit_code

    @property
    def error(self) -> dict[str, Any] | None:
        """Why a failed run failed: ``{"type", "message", "traceback"}``; None otherwise."""
        return None if self._out.error is None else self._out.error.model_dump()

    @property
    def finished_at(self) -> str | None:
        return _iso(self._out.finished_at)

    @property
    def host(self) -> str | None:
        return self._out.host

    # --- reads ---------------------------------------------------------------------------------

    def load(self, force: bool = True) -> Run:
        """Refresh from the server (state, summary, config of a running run)."""
        if force:
            self._set(self._client.get_run(*self._key))
        return self

    def history(
        self,
        samples: int | None = 500,
        keys: list[str] | None = None,
        x_axis: str = "_step",
        pandas: bool = True,
        stream: str = "default",
    ) -> Any:
        """About ``samples`` history rows (every row with ``samples=None``); a pandas DataFrame when
        pandas is installed, else dicts."""
        if stream not in _STREAMS:
            raise InvalidArgument(f"stream={stream!r} is not one of default, system", field="stream")
        return read_history(
            self._client,
            self._key,
            keys,
            samples=samples,
            x_axis=x_axis,
            pandas=pandas,
            stream=_STREAMS[stream],
        )

    def scan_history(
        self,
        keys: list[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every history row at full resolution with ``min_step <= _step < max_step`` (wandb's
        bounds: ``max_step`` is exclusive), streamed page by page."""
        return scan_rows(
            self._client,
            self._key,
            keys,
            page_size=page_size,
            min_step=min_step,
            max_step=None if max_step is None else max_step - 1,
        )

    def table(self, key: str, step: int | None = None, root: str | Path | None = None) -> Table:
        """The :class:`~trackwell.Table` logged under ``key``: the last one, or the one at ``step``.

        The table file and the media its cells reference are downloaded into ``root`` (default: a
        new temporary folder), so image and audio cells come back as media objects.
        """
        if step is None:
            ref = self.summary.get(key)
        else:
            rows = list(self.scan_history(keys=[key], min_step=step, max_step=step + 1))
            ref = rows[-1].get(key) if rows else None
        if not isinstance(ref, dict) or ref.get("_type") != "table-file":
            where = f"at step {step}" if step is not None else "in the summary"
            raise NotFound(f"run {'/'.join(self.path)} has no table under {key!r} {where}", field="key")
        folder = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="trackwell-table-"))
        self.file(ref["path"]).download(root=folder, replace=True)
        obj = json.loads(download_target(folder, ref["path"]).read_text("utf-8"))
        media = {c["path"] for row in obj.get("data", []) for c in row if isinstance(c, dict) and "path" in c}
        for path in sorted(media):
            if not download_target(folder, path).exists():
                self.file(path).download(root=folder, replace=True)
        return Table.from_json(obj, files_root=folder)

    def console(self, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Captured console lines as ``{"line", "stream", "timestamp", "text"}`` (ANSI codes kept;
        a progress bar rewritten with ``\\r`` is one line in its final state)."""
        lines: list[dict[str, Any]] = []
        while limit is None or len(lines) < limit:
            page = self._client.read_output(*self._key, offset=offset, limit=1000)
            lines += [line.model_dump() for line in page.lines]
            if not page.lines or offset + len(page.lines) >= page.total:
                break
            offset = page.lines[-1].line + 1
        return lines if limit is None else lines[:limit]

    def files(
        self, names: list[str] | None = None, pattern: str | None = None, per_page: int = 50
    ) -> list[File]:
        """The run's files: all, those named in ``names``, or those matching ``pattern`` (wandb's
        MySQL ``LIKE`` syntax: ``%`` any run of characters, ``_`` one, e.g. ``"%.json"``)."""
        if names and pattern is not None:
            raise InvalidArgument("pass names or pattern to run.files(), not both", field="pattern")
        listed = self._client.list_files(*self._key).files
        if pattern is not None:
            like = _like_regex(pattern)
            return [File(self._client, self._key, f) for f in listed if like.fullmatch(f.path)]
        return [File(self._client, self._key, f) for f in listed if not names or f.path in names]

    def file(self, name: str) -> File:
        for f in self._client.list_files(*self._key).files:
            if f.path == name:
                return File(self._client, self._key, f)
        raise NotFound(f"run {'/'.join(self.path)} has no file {name!r}", hint="see run.files()")

    def wait_until_finished(self, poll_interval: float = 1.0, timeout: float | None = None) -> None:
        """Block until the run leaves the ``running`` state."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.load().state == "running":
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"run {'/'.join(self.path)} still running after {timeout} s")
            time.sleep(poll_interval)

    # --- writes --------------------------------------------------------------------------------

    def update(self) -> None:
        """Write name, tags, notes, group, job type, config and summary back to the server.

        Config and summary: the keys set, changed or deleted since the run was read are sent (as
        wandb's ``run.update()`` does for its whole config and summary); a running run's training
        process keeps the other keys and its later writes of them.
        """
        config_set, config_removed = changes(self._synced_config, self._config)
        summary_set, summary_removed = changes(self.summary._synced, self.summary._json_dict)
        fields: dict[str, Any] = {
            "display_name": self.display_name,
            "tags": list(self.tags),
            "notes": self.notes,
            "group": self.group,
            "job_type": self.job_type,
        }
        for name, value in (
            ("config", config_set),
            ("config_remove", config_removed),
            ("summary", summary_set),
            ("summary_remove", summary_removed),
        ):
            if value:
                fields[name] = value
        self._set(self._client.update_run(*self._key, RunUpdate(**fields)))

    def save(self) -> None:
        """wandb's alias of ``update()``."""
        self.update()

    def delete(self) -> None:
        self._client.delete_run(*self._key)

    def _write_summary(self, set_keys: dict[str, Any], removed: list[str]) -> dict[str, Any]:
        """``run.summary.update()``: write summary changes only (other local edits stay local)."""
        body = RunUpdate(summary=set_keys or None, summary_remove=removed or None)
        self._out = self._client.update_run(*self._key, body)
        return dict(decode(self._out.summary))
