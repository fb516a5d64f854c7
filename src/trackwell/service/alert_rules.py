"""Alert rules, evaluated where the facts arrive, and the deliveries every stored alert enqueues.

Facts: a record batch that ends a run ``failed`` (or ``crashed``, as an exit record may), the crash
monitor marking silent runs ``crashed``, and the latest value of a metric in a batch's history rows
(or, when the batch has none for it, its summary). A rule that matches stores an alert on the run
exactly like ``run.alert`` does (so it shows wherever alerts show), and every alert of a project
with webhooks (``run.alert``'s to all of them, a rule's to the webhooks it names) gets a pending
delivery in the same transaction (the outbox :mod:`alert_delivery` empties).

The record path must stay fast: a project's rules and webhooks are read once and kept for
``ttl`` seconds (:class:`ProjectAlerting`), so a project with none pays one dictionary lookup per
batch; changes made through this process are seen at once, other processes' within ``ttl``. A
threshold rule fires once per run (``mark_fired``), remembered here too so a run that stays past
the threshold costs nothing afterwards.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from trackwell.schema.nesting import flatten
from trackwell.schema.runs import RunOut
from trackwell.service.batch_changes import BatchChanges, HistoryBlocks
from trackwell.store.base import Database, RunKey, StoredAlert, StoredRule

# How long a project's rules and webhooks are trusted before they are read again.
DEFAULT_TTL = 2.0
_MAX_REMEMBERED = 100_000  # fired (rule, run) pairs kept in memory
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


@dataclass(frozen=True, slots=True)
class ProjectAlerting:
    """What a project does with alerts: its webhooks and enabled rules."""

    webhook_ids: tuple[int, ...]
    rules: tuple[StoredRule, ...]

    @property
    def idle(self) -> bool:
        return not self.webhook_ids and not self.rules

    def of_kind(self, kind: str) -> list[StoredRule]:
        return [r for r in self.rules if r.fields.kind == kind]


_NOTHING = ProjectAlerting((), ())


class AlertRules:
    def __init__(
        self,
        db: Database,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._ttl = ttl
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, ProjectAlerting]] = {}
        self._fired: set[tuple[int, int]] = set()
        # Set when a delivery is enqueued, so the worker of this process looks at once.
        self.enqueued = threading.Event()

    # --- the project's setup, cached -------------------------------------------------------------

    def project(self, conn: Any, entity: str, project: str) -> ProjectAlerting:
        now = self._monotonic()
        cached = self._cache.get((entity, project))
        if cached is not None and cached[0] > now:
            return cached[1]
        webhooks = self._db.alert_rules.list_webhooks(conn, entity, project)
        rules = self._db.alert_rules.list_rules(conn, entity, project)
        setup = ProjectAlerting(tuple(w.id for w in webhooks), tuple(r for r in rules if r.fields.enabled))
        if setup.idle:
            setup = _NOTHING
        with self._lock:
            self._cache[(entity, project)] = (now + self._ttl, setup)
        return setup

    def forget(self, entity: str, project: str) -> None:
        """A rule or webhook of the project changed (here): read them again next time."""
        with self._lock:
            self._cache.pop((entity, project), None)

    # --- facts ------------------------------------------------------------------------------------

    def after_batch(
        self, conn: Any, key: RunKey, run_pk: int, batch: BatchChanges, alerts: Sequence[StoredAlert]
    ) -> None:
        """Inside the batch's transaction, after its alerts are stored: deliveries for them, and
        the rules the batch's facts match."""
        setup = self.project(conn, key.entity, key.project)
        if setup is _NOTHING:
            return
        run = batch.run
        for alert in alerts:
            self._enqueue(conn, setup, setup.webhook_ids, alert, run)
        ended = batch.changes.state
        if ended in ("failed", "crashed") and ended != run.state:
            self._fire(conn, setup, setup.of_kind(f"run_{ended}"), run_pk, run, _ended_text(run, batch))
        thresholds = [r for r in setup.of_kind("metric_threshold") if (r.id, run_pk) not in self._fired]
        if thresholds:
            self._check_thresholds(conn, setup, thresholds, run_pk, batch)

    def runs_crashed(self, keys: Iterable[RunKey]) -> None:
        """The crash monitor marked these runs ``crashed``."""
        for key in keys:
            with self._db.read() as conn:
                rules = self.project(conn, key.entity, key.project).of_kind("run_crashed")
            if not rules:
                continue  # no write transaction for projects without the rule
            with self._db.begin() as conn:
                setup = self.project(conn, key.entity, key.project)
                rules = setup.of_kind("run_crashed")
                stored = self._db.runs.get_run(conn, key)
                if stored is None:
                    continue
                text = f"{_run_label(stored.run)} sent nothing (no logs, no heartbeat) and was marked crashed"
                self._fire(conn, setup, rules, stored.pk, stored.run, text)

    # --- firing -----------------------------------------------------------------------------------

    def _check_thresholds(
        self, conn: Any, setup: ProjectAlerting, rules: list[StoredRule], run_pk: int, batch: BatchChanges
    ) -> None:
        summary: dict[str, Any] | None = None
        for rule in rules:
            key, op, threshold = rule.fields.metric_key or "", rule.fields.op or ">", rule.fields.value
            found = _latest_history_value(batch, key)
            if found is None and batch.changes.summary is not None:
                if summary is None:
                    summary = flatten(batch.changes.summary)[0]
                found = _number(summary.get(key)), None
            value, step = found if found is not None else (None, None)
            if value is None or threshold is None or not _OPS[op](value, threshold):
                continue
            if not self._db.alert_rules.mark_fired(conn, rule.id, run_pk):
                self._remember_fired(rule.id, run_pk)
                continue
            at = "" if step is None else f" at step {step}"
            text = f"{_run_label(batch.run)}: {key} = {value:g}{at}, crossing {op} {threshold:g}"
            self._store_and_enqueue(conn, setup, rule, run_pk, batch.run, f"{key} {op} {threshold:g}", text)
            self._remember_fired(rule.id, run_pk)

    def _remember_fired(self, rule_id: int, run_pk: int) -> None:
        """A shortcut past the database's record of it, bounded: forgetting costs one insert."""
        if len(self._fired) >= _MAX_REMEMBERED:
            self._fired.clear()
        self._fired.add((rule_id, run_pk))

    def _fire(
        self, conn: Any, setup: ProjectAlerting, rules: list[StoredRule], run_pk: int, run: RunOut, text: str
    ) -> None:
        for rule in rules:
            title = f"Run {run.display_name} {'failed' if rule.fields.kind == 'run_failed' else 'crashed'}"
            self._store_and_enqueue(conn, setup, rule, run_pk, run, title, text)

    def _store_and_enqueue(
        self,
        conn: Any,
        setup: ProjectAlerting,
        rule: StoredRule,
        run_pk: int,
        run: RunOut,
        title: str,
        text: str,
    ) -> None:
        alert = self._db.alerts.add_alert(conn, run_pk, title, text, rule.fields.level, 0.0, self._clock())
        targets = [w for w in rule.fields.webhook_ids if w in setup.webhook_ids]
        self._enqueue(conn, setup, targets, alert, run)

    def _enqueue(
        self, conn: Any, setup: ProjectAlerting, webhook_ids: Sequence[int], alert: StoredAlert, run: RunOut
    ) -> None:
        payload = alert_payload(run, alert.title, alert.text, alert.level)
        for webhook_id in webhook_ids:
            self._db.alert_rules.enqueue(conn, webhook_id, alert.id, payload, self._clock())
        if webhook_ids:
            self.enqueued.set()


def alert_payload(run: RunOut | None, title: str, text: str, level: str) -> dict[str, Any]:
    """What a delivery carries (the worker renders it as Slack JSON with the run's link)."""
    payload: dict[str, Any] = {"title": title, "text": text, "level": level}
    if run is not None:
        payload |= {
            "entity": run.entity,
            "project": run.project,
            "run_id": run.id,
            "run_name": run.display_name,
        }
    return payload


def _run_label(run: RunOut) -> str:
    return f"Run {run.display_name} ({run.entity}/{run.project}/{run.id})"


def _ended_text(run: RunOut, batch: BatchChanges) -> str:
    error = batch.changes.error
    state = batch.changes.state
    code = batch.changes.exit_code
    text = f"{_run_label(run)} ended {state}" + ("" if code is None else f" with exit code {code}")
    if error is not None:
        kind = f"{error.type}: " if error.type else ""
        text += f"\n{kind}{error.message[:1000]}"
    return text


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _latest_history_value(batch: BatchChanges, key: str) -> tuple[float | None, int | None] | None:
    """The last value of ``key`` in the batch's history (with its step); None when it has none."""
    for segment in reversed(batch.history):
        if isinstance(segment, HistoryBlocks):
            column = segment.columns.get(key)
            if column:
                for i in range(len(column) - 1, -1, -1):
                    if column[i] is not None:
                        return _number(column[i]), segment.steps[i]
            continue
        for row in reversed(segment):
            if key in row.values:
                return _number(row.values[key]), row.step
    return None
