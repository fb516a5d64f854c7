"""Posting alerts to webhooks: Slack-compatible JSON, retried with backoff, from the outbox.

One worker thread per server process (started in the app's lifespan). Each pass claims due
deliveries with a lease (:meth:`AlertRuleStore.claim_deliveries`: one process per row, even with
several processes on one database), posts each with a timeout, and records the outcome: delivered,
pending again after ``retry_seconds * 2**(attempts-1)`` (capped at an hour), or failed after
``max_attempts`` with the last error. A webhook URL is a secret: it never appears in a log line, an
error kept for the UI, or an answer (:func:`mask_url` is what is shown instead), and httpx's own
request log is silenced for this thread, since it prints the URL.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from trackwell.service.webhook_destinations import RefusedDestination, check_destination
from trackwell.store.base import ClaimedDelivery, Database

log = logging.getLogger("trackwell.alerts")

THREAD_NAME = "trackwell-alert-delivery"
DEFAULT_RETRY_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 5
_MAX_BACKOFF = 3600.0
_CLAIM = 10  # deliveries claimed per pass
_LEVEL_MARK = {"INFO": ":information_source:", "WARN": ":warning:", "ERROR": ":rotating_light:"}


def mask_url(url: str) -> str:
    """What the UI and logs show of a webhook URL: its host and last four characters."""
    host = urlsplit(url).hostname or "?"
    return f"{host}/…{url[-4:]}" if len(url) > 4 else host


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(payload: dict[str, Any], base_url: str | None) -> dict[str, Any]:
    """Slack's incoming-webhook JSON: ``text`` (the notification's fallback) and ``blocks``."""
    title, text, level = str(payload["title"]), str(payload["text"]), str(payload["level"])
    context = [f"*{level}*"]
    run_id = payload.get("run_id")
    if run_id is not None:
        where = f"{payload['entity']}/{payload['project']}"
        label = _slack_escape(f"{where} · {payload.get('run_name') or run_id}")
        if base_url:
            link = "/".join(
                quote(str(p), safe="") for p in (payload["entity"], payload["project"], "runs", run_id)
            )
            context.append(f"<{base_url.rstrip('/')}/{link}|{label}>")
        else:
            context.append(label)
    return {
        "text": f"[{level}] {title}: {text}"[:3000],
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": f"{title}"[:150]}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"{_LEVEL_MARK.get(level, '')} {_slack_escape(text)}"[:3000],
                },
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]},
        ],
    }


class _HideDeliveryRequests(logging.Filter):
    """httpx logs every request with its full URL: drop those made by the delivery worker."""

    def filter(self, record: logging.LogRecord) -> bool:
        return threading.current_thread().name != THREAD_NAME


_HIDE = _HideDeliveryRequests()


class AlertDeliveryWorker:
    def __init__(
        self,
        db: Database,
        base_url: Callable[[], str | None],
        wake: threading.Event,
        *,
        retry_seconds: float = DEFAULT_RETRY_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        timeout: float = 10.0,
        poll_seconds: float = 1.0,
        local_destinations: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._base_url = base_url
        self._wake = wake
        self._retry = retry_seconds
        self._max_attempts = max_attempts
        self._timeout = timeout
        self._poll = poll_seconds
        self._local_destinations = local_destinations  # webhook_destinations.py: who may be posted to
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=THREAD_NAME, daemon=True)

    def start(self) -> None:
        logging.getLogger("httpx").addFilter(_HIDE)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._timeout + 5)

    def deliver_due(self) -> int:
        """One pass: claim what is due, post it, record the outcomes. Returns how many it posted."""
        # Posted one after another, each within the timeout: the lease outlasts them all, so no
        # other process claims a row this one still holds.
        lease = (self._timeout + 1.0) * _CLAIM + 30.0
        with self._db.read() as conn:
            if not self._db.alert_rules.has_due(conn, self._clock()):
                return 0
        with self._db.begin() as conn:
            claimed = self._db.alert_rules.claim_deliveries(conn, self._clock(), lease, _CLAIM)
        if not claimed:
            return 0
        base_url = self._base_url()
        with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
            for delivery in claimed:
                error = self._post(client, delivery, base_url)
                self._record(delivery, error)
        return len(claimed)

    def _post(self, client: httpx.Client, delivery: ClaimedDelivery, base_url: str | None) -> str | None:
        """None when delivered, else why not (without the URL)."""
        try:
            if not self._local_destinations:
                check_destination(delivery.url)
            answer = client.post(delivery.url, json=slack_message(delivery.payload, base_url))
        except RefusedDestination as exc:
            return _scrub(str(exc), delivery.url)
        except Exception as exc:  # httpx.HTTPError, and InvalidURL & co: each attempt ends recorded
            return _scrub(f"{type(exc).__name__}: {exc}", delivery.url)
        if 200 <= answer.status_code < 300:
            return None
        return _scrub(f"HTTP {answer.status_code}: {answer.text[:200]}", delivery.url)

    def _record(self, delivery: ClaimedDelivery, error: str | None) -> None:
        now = self._clock()
        where = mask_url(delivery.url)
        retry_at = None
        if error is not None and delivery.attempts < self._max_attempts:
            retry_at = now + min(self._retry * 2 ** (delivery.attempts - 1), _MAX_BACKOFF)
        with self._db.begin() as conn:
            self._db.alert_rules.finish_delivery(
                conn, delivery.id, now, delivered=error is None, error=error, retry_at=retry_at
            )
        if error is None:
            log.info("alert delivery %d to %s delivered", delivery.id, where)
        elif retry_at is not None:
            log.info(
                "alert delivery %d to %s failed (%s); retrying in %.0f s",
                delivery.id,
                where,
                error,
                retry_at - now,
            )
        else:
            log.warning(
                "alert delivery %d to %s failed %d times; giving up: %s",
                delivery.id,
                where,
                delivery.attempts,
                error,
            )

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                posted = self.deliver_due()
            except (
                Exception
            ) as exc:  # a busy database must not end the worker; no traceback: it may hold a URL
                log.warning("alert delivery pass failed (%s); retrying", type(exc).__name__)
                posted = 0
            if not posted:
                self._wake.wait(self._poll)
                self._wake.clear()


def _scrub(text: str, url: str) -> str:
    """An error message with the webhook URL (and its path, which holds the secret) taken out."""
    masked = mask_url(url)
    parts = urlsplit(url)
    for secret in (url, parts.path, parts.query):
        if len(secret) > 1:
            text = text.replace(secret, masked)
    return text[:500]
