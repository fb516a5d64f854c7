"""Media and charts in logged values, on the processor thread: a :class:`~trackwell.sdk.values.Deferred`
value becomes its file(s) in the run dir plus a JSON reference (``data_types.convert.bind_value``),
each file gets a ``file`` record, and a chart's spec goes to the run's metadata.

Split from :mod:`trackwell.sdk.processor`, which calls :class:`MediaBinder` for rows and summary
values that carry deferred values; a value that cannot be converted is reported once and dropped,
the rest of the row is kept.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.data_types.convert import bind_value, split_charts
from trackwell.data_types.custom_chart import CustomChart
from trackwell.sdk.term import warn_once
from trackwell.sdk.values import Deferred

log = logging.getLogger("trackwell.sdk")
_DROP = object()


class MediaBinder:
    """Writes deferred values' files; ``append`` queues a record (the processor's, so seqs stay in order)."""

    def __init__(self, files_dir: Path, run_id: str, append: Callable[[dict[str, Any]], None]) -> None:
        self.files_dir = files_dir
        self.run_id = run_id
        self.append = append
        self._visualize: dict[str, Any] = {}

    def resolve(self, data: dict[str, Any], step: int | str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            resolved = self._resolve_value(key, value, step)
            if resolved is not _DROP:
                out[key] = resolved
        return out

    def _resolve_value(self, key: str, value: Any, step: int | str) -> Any:
        if type(value) is dict:
            return {
                k: v
                for k, v in ((k, self._resolve_value(f"{key}.{k}", v, step)) for k, v in value.items())
                if v is not _DROP
            }
        if type(value) is list:
            return [self._resolve_value(key, v, step) for v in value]
        if type(value) is not Deferred:
            return value
        try:
            json_value, files = bind_value(value.value, self.files_dir, key, step)
            for path in files:
                self._file_record(path)
            return json_value
        except Exception as exc:
            log.exception("could not convert the value of %r", key)
            warn_once(f"media-{self.run_id}-{key}", f"could not log the value of {key!r}: {exc}")
        return _DROP

    def split_charts(self, data: dict[str, Any]) -> dict[str, Any]:
        """Charts (``trackwell.plot.*``) log their table as ``<key>_table``; their chart specs go to
        the run's metadata under ``visualize`` (wandb keeps them in ``config._wandb.visualize``; we
        keep the user's config free of our bookkeeping)."""
        charts = {
            k: v.value for k, v in data.items() if type(v) is Deferred and isinstance(v.value, CustomChart)
        }
        if not charts:
            return data
        row, visualize = split_charts({k: (charts.get(k, v)) for k, v in data.items()})
        self._visualize.update(visualize)
        self.append({"kind": "meta", "metadata": {"visualize": dict(self._visualize)}})
        # A chart whose table key is its own key (wandb's ``wandb.visualize``, used by the sklearn
        # plots: the table is logged under K itself) must be bound like a new key.
        return {k: (Deferred(v) if k not in data or k in charts else v) for k, v in row.items()}

    def _file_record(self, relative: str) -> None:
        data = (self.files_dir / relative).read_bytes()
        self.append(
            {
                "kind": "file",
                "path": relative,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "policy": "now",
            }
        )
