"""wandb's history-row semantics for ``log(data, step=None, commit=None)``, as a pure state machine.

Kept free of threads and I/O so every captured wandb sequence can be unit-tested directly; the
processor thread feeds it and writes the rows it returns. The rules (wandb reference, section 1.5):

* no ``step``: the data merges into the open row at the current step; ``commit`` defaults to True,
  which closes the row and advances the step by one. ``commit=False`` keeps accumulating.
* ``step=N``: ``commit`` defaults to False. N larger than the current step closes the open row and
  opens row N; N equal merges; ``commit=True`` closes row N.
* N smaller than the current step: wandb drops the data with a warning. We keep it, as a row of its
  own flagged ``out_of_order``, so nothing a user logged is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Row:
    step: int
    timestamp: float
    values: dict[str, Any]
    out_of_order: bool = False


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    # Nested dicts merge key by key, so log({"a": {"x": 1}}, commit=False); log({"a": {"y": 2}})
    # keeps both x and y, like wandb's nested keys do.
    for key, value in data.items():
        old = into.get(key)
        if type(value) is dict and type(old) is dict:
            merged = dict(old)
            _merge(merged, value)
            into[key] = merged
        else:
            into[key] = value


class RowBuilder:
    """Turns ``log`` calls into committed rows. ``step`` is wandb's ``run.step``: the open row's step."""

    __slots__ = ("_pending", "_pending_ts", "step")

    def __init__(self, starting_step: int = 0) -> None:
        self.step = starting_step
        self._pending: dict[str, Any] | None = None
        self._pending_ts = 0.0

    def log(
        self, data: dict[str, Any], step: int | None, commit: bool | None, ts: float, out: list[Row]
    ) -> None:
        """Apply one ``log`` call; committed rows are appended to ``out``.

        ``data`` must be the caller's own copy: it may be kept as the open row.
        """
        if step is None:
            self._add(data, ts)
            if commit is not False:
                self._commit(out)
            return
        if step < self.step:
            out.append(Row(step, ts, data, out_of_order=True))
            return
        if step > self.step:
            if self._pending is not None:
                self._commit(out)
            self.step = step
        self._add(data, ts)
        if commit:
            self._commit(out)

    def flush(self, out: list[Row]) -> None:
        """Close the open row, if any (``finish()``)."""
        if self._pending is not None:
            self._commit(out)

    @property
    def has_open_row(self) -> bool:
        return self._pending is not None

    def _add(self, data: dict[str, Any], ts: float) -> None:
        if self._pending is None:
            self._pending = data
        else:
            _merge(self._pending, data)
        self._pending_ts = ts

    def _commit(self, out: list[Row]) -> None:
        out.append(Row(self.step, self._pending_ts, self._pending or {}))
        self._pending = None
        self.step += 1
