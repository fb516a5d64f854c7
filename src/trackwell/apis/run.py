"""The public ``Run`` returned by ``Api().run()``/``Api().runs()``, with wandb's attribute names.

Why a wrapper over ``RunOut``: wandb code reads ``run.summary["loss"]``, ``run.config``,
``run.history()``, ``run.file(name).download()`` and writes back with ``run.summary.update()`` or
``run.tags.append(...); run.update()``. This module maps those to the HTTP API; reads work while a run
is still running (``load()`` refreshes).

Imports: standard library, ``trackwell.schema`` and the SDK's HTTP client.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trackwell.apis.history import read_history, scan_rows
from trackwell.data_types.table import Table
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.files import RunFile
from trackwell.schema.runs import RunOut, RunUpdate
from trackwell.sdk.api_client import ApiClient

_STREAMS = {"default": "history", "history": "history", "system": "system", "events": "system"}


class FileAlreadyExistsError(FileExistsError, ValueError):
    """Raised by ``File.download`` when the target exists; wandb raises ValueError here."""


def _iso(ts: float | None) -> str | None:
    # wandb returns timestamps as ISO 8601 strings in UTC.
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Summary(MutableMapping[str, Any]):
    """A run's summary. Item assignment and ``update()`` are written to the server at once."""

    def __init__(self, run: Run, values: dict[str, Any]) -> None:
        self._run = run
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        raise InvalidArgument(
            f"cannot delete summary key {key!r} through the API", field=key, hint="set it to None instead"
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(self._values)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        changes = dict(other, **kwargs)
        if changes:
            self._run._patch(RunUpdate(summary=changes))


class File:
    """One run file (``run.files()``/``run.file(name)``)."""

    def __init__(self, client: ApiClient, path: tuple[str, str, str], info: RunFile) -> None:
        self._client = client
        self._path = path
        self.name = info.path
        self.size = info.size
        self.sha256 = info.sha256
        self.updated_at = _iso(info.updated_at)
        self.url = info.url

    def __repr__(self) -> str:
        return f"<File {self.name} ({self.size} bytes)>"

    def download(self, root: str | Path = ".", replace: bool = False, exist_ok: bool = False) -> Path:
        """Save to ``root/name`` and return that path.

        Raises:
            FileAlreadyExistsError: the file exists and neither ``replace`` nor ``exist_ok`` is set.
        """
        dest = Path(root) / self.name
        if dest.exists() and not replace:
            if exist_ok:
                return dest
            raise FileAlreadyExistsError(
                f"File already exists: {dest}; pass replace=True to overwrite or exist_ok=True to keep it"
            )
        return self._client.download_file(*self._path, self.name, dest)


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
        self.summary = Summary(self, out.summary)

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
        return f"{self._base_url}/{self.entity}/{self.project}/runs/{self.id}"

    @property
    def state(self) -> str:
        return self._out.state

    @property
    def config(self) -> dict[str, Any]:
        return dict(self._out.config)

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
            k.key: {"typeCounts": [{"type": k.kind, "count": k.count}], "last": k.last} for k in answer.keys
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
        obj = json.loads((folder / ref["path"]).read_text("utf-8"))
        media = {c["path"] for row in obj.get("data", []) for c in row if isinstance(c, dict) and "path" in c}
        for path in sorted(media):
            if not (folder / path).exists():
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

    def files(self, names: list[str] | None = None) -> list[File]:
        listed = self._client.list_files(*self._key).files
        return [File(self._client, self._key, f) for f in listed if names is None or f.path in names]

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
        """Write name, tags, notes, group, job type and summary back to the server."""
        self._patch(
            RunUpdate(
                display_name=self.display_name,
                tags=list(self.tags),
                notes=self.notes,
                group=self.group,
                job_type=self.job_type,
                summary=dict(self.summary) or None,
            )
        )

    def delete(self) -> None:
        self._client.delete_run(*self._key)

    def _patch(self, body: RunUpdate) -> None:
        self._set(self._client.update_run(*self._key, body))
