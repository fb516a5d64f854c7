"""Contract of ``AlertRuleStore`` on every SQL backend: webhooks and rules per project, a rule fired
once per run, and the deliveries outbox (claimed by one caller at a time, retried, given up)."""

from __future__ import annotations

import threading

from trackwell.schema.runs import RunUpsert
from trackwell.store.base import RuleFields, RunKey
from trackwell.store.sql.database import SqlDatabase

THRESHOLD = RuleFields("metric_threshold", "loss", "<", 0.5, "WARN", (), True)


def test_webhooks_and_rules_are_per_project_and_changed_only_there(db: SqlDatabase) -> None:
    with db.begin() as conn:
        hook = db.alert_rules.add_webhook(conn, "e", "p", "#ml", "https://hooks.example/x", 1.0)
        db.alert_rules.add_webhook(conn, "e", "other", "#other", "https://hooks.example/y", 1.0)
        rule = db.alert_rules.add_rule(conn, "e", "p", THRESHOLD, 2.0)
    with db.begin() as conn:
        assert [w.name for w in db.alert_rules.list_webhooks(conn, "e", "p")] == ["#ml"]
        assert db.alert_rules.list_rules(conn, "e", "p")[0].fields == THRESHOLD
        assert db.alert_rules.update_rule(conn, "e", "other", rule.id, THRESHOLD, 3.0) is None
        paused = RuleFields("run_failed", None, None, None, "ERROR", (hook.id,), False)
        updated = db.alert_rules.update_rule(conn, "e", "p", rule.id, paused, 3.0)
        assert updated is not None and updated.fields == paused and updated.updated_at == 3.0
        assert not db.alert_rules.delete_webhook(conn, "e", "other", hook.id)
        assert db.alert_rules.delete_rule(conn, "e", "p", rule.id)
        assert db.alert_rules.list_rules(conn, "e", "p") == []


def test_a_rule_fires_once_per_run(db: SqlDatabase) -> None:
    with db.begin() as conn:
        pk = db.runs.create_run(conn, RunKey("e", "p", "r1"), RunUpsert(session_id="s"), 1.0).pk
        rule = db.alert_rules.add_rule(conn, "e", "p", THRESHOLD, 1.0)
        assert db.alert_rules.mark_fired(conn, rule.id, pk)
    with db.begin() as conn:
        assert not db.alert_rules.mark_fired(conn, rule.id, pk)


def test_deliveries_are_claimed_once_retried_when_due_and_given_up(db: SqlDatabase) -> None:
    with db.begin() as conn:
        hook = db.alert_rules.add_webhook(conn, "e", "p", "#ml", "https://hooks.example/secret", 1.0)
        for i in range(30):
            db.alert_rules.enqueue(conn, hook.id, None, {"title": f"t{i}", "text": "x", "level": "INFO"}, 1.0)
    claimed: list[list[int]] = []

    def claim() -> None:
        with db.begin() as conn:
            claimed.append([d.id for d in db.alert_rules.claim_deliveries(conn, 2.0, 60.0, 20)])

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for ids in claimed for i in ids]
    assert len(every) == 30 and len(set(every)) == 30  # each row claimed by exactly one caller

    first = min(every)
    with db.begin() as conn:
        db.alert_rules.finish_delivery(conn, first, 3.0, delivered=False, error="HTTP 500", retry_at=10.0)
        assert db.alert_rules.claim_deliveries(conn, 9.0, 60.0, 50) == []  # not yet due; leases hold
        again = db.alert_rules.claim_deliveries(conn, 10.0, 60.0, 50)
        assert [(d.id, d.attempts, d.url) for d in again] == [(first, 2, "https://hooks.example/secret")]
        db.alert_rules.finish_delivery(conn, first, 11.0, delivered=False, error="HTTP 500")
        lapsed = db.alert_rules.claim_deliveries(conn, 70.0, 60.0, 50)  # leases of the 29 others lapsed
        assert len(lapsed) == 29
        log = {d.id: d for d in db.alert_rules.list_deliveries(conn, "e", "p", 100)}
    assert log[first].status == "failed" and log[first].last_error == "HTTP 500"
    assert log[first].payload["title"].startswith("t") and log[first].webhook_name == "#ml"
    assert all(log[i].status == "sending" for i in log if i != first)
