"""Rate limits and the audit trail around every way of signing in (password, API key, SSO, link).

Two token buckets, held in the database so that every server process counts the same attempts
(``UserStore.take_token``): one per client IP and one per account named. Each attempt takes a token
from both; a bucket refills at a steady rate, so a user who mistypes a few times is never locked out
while guessing stays slow. An exhausted bucket is answered 429 with ``Retry-After``. Successes and
failures are recorded with :class:`~trackwell.service.audit.AuditLog`, never with the secret tried.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from trackwell.schema.errors import TooManyRequests
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.store.base import Database


@dataclass(frozen=True, slots=True)
class Bucket:
    capacity: float  # attempts allowed in a burst
    per_second: float  # refill rate

    @property
    def retry_after(self) -> int:
        """Seconds until one more attempt is allowed, from empty."""
        return math.ceil(1.0 / self.per_second)


# Generous for people (a burst of 10 wrong passwords, then one a minute), slow for guessing: an
# account gets at most ~1,500 guesses a day whatever the number of addresses trying.
PER_ACCOUNT = Bucket(capacity=10, per_second=1 / 60)
# An office behind one NAT address signs in through this one: 30 at once, then one every 2 s.
PER_IP = Bucket(capacity=30, per_second=1 / 2)


class SignInGuard:
    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        *,
        per_ip: Bucket = PER_IP,
        per_account: Bucket = PER_ACCOUNT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._audit = audit
        self._per_ip = per_ip
        self._per_account = per_account
        self._clock = clock

    def attempt(self, method: str, *, ip: str | None, account: str | None = None) -> None:
        """Take a token for one attempt; ``TooManyRequests`` (recorded) when the IP or the account
        has none left. ``account`` is the name as typed, folded so that case does not reset it."""
        buckets = []
        if ip:
            buckets.append((f"signin:ip:{ip}", self._per_ip, "from this address"))
        if account:
            buckets.append((f"signin:account:{account.strip().casefold()[:256]}", self._per_account,
                            "for this account"))  # fmt: skip
        now = self._clock()
        for name, bucket, whose in buckets:
            with self._db.begin() as conn:
                allowed = self._db.users.take_token(
                    conn, name, capacity=bucket.capacity, per_second=bucket.per_second, now=now
                )
            if not allowed:
                self._audit.record(
                    AuditAction.LOGIN_THROTTLED,
                    actor=None,
                    target=account,
                    outcome="denied",
                    ip=ip,
                    detail={"method": method, "limit": whose},
                )
                raise TooManyRequests(
                    f"Too many sign-in attempts {whose}; try again in {bucket.retry_after} seconds",
                    retry_after=bucket.retry_after,
                    hint="wait and try again; an admin can set a new password if it is forgotten",
                )

    def succeeded(self, method: str, *, username: str, ip: str | None) -> None:
        self._audit.record(
            AuditAction.LOGIN, actor=username, target=username, ip=ip, detail={"method": method}
        )

    def failed(self, method: str, *, account: str | None, ip: str | None, reason: str) -> None:
        self._audit.record(
            AuditAction.LOGIN,
            actor=None,
            target=account,
            outcome="failed",
            ip=ip,
            detail={"method": method, "reason": reason},
        )
