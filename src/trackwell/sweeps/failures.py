"""When an agent gives up on failing trials: W&B's agent policy (reference/sweeps.md 6.1, item 5).

- Flapping: 3 failed trials within the agent's first 60 s end it (a script broken from the start
  should not burn through a sweep); ``WANDB_AGENT_DISABLE_FLAPPING=true`` turns the rule off.
- Failing: once ``WANDB_AGENT_MAX_INITIAL_FAILURES`` (default 5) trials failed and no more succeeded
  than failed.
- ``max_consecutive_failed_runs`` (``agent()``'s argument): that many failures in a row.

A trial the sweep stopped (hyperband, a cancel) is neither a failure nor a success.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping

FLAPPING_SECONDS = 60.0
FLAPPING_FAILURES = 3
MAX_INITIAL_FAILURES = 5


class FailurePolicy:
    def __init__(
        self,
        *,
        flapping: bool = True,
        max_initial_failures: int = MAX_INITIAL_FAILURES,
        max_consecutive: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.flapping = flapping
        self.max_initial_failures = max_initial_failures
        self.max_consecutive = max_consecutive
        self._clock = clock
        self._start: float = self._now()
        self.failed = 0
        self.succeeded = 0
        self.consecutive = 0

    @classmethod
    def from_env(
        cls, max_consecutive: int | None = None, environ: Mapping[str, str] | None = None
    ) -> FailurePolicy:
        env = os.environ if environ is None else environ
        disable = str(env.get("WANDB_AGENT_DISABLE_FLAPPING", "")).strip().lower()
        raw = str(env.get("WANDB_AGENT_MAX_INITIAL_FAILURES", "")).strip()
        try:
            initial = int(raw) if raw else MAX_INITIAL_FAILURES
        except ValueError:
            initial = MAX_INITIAL_FAILURES
        if max_consecutive is not None and (isinstance(max_consecutive, bool) or max_consecutive < 1):
            raise ValueError(f"max_consecutive_failed_runs={max_consecutive!r} must be a positive integer")
        return cls(
            flapping=disable not in ("true", "1", "yes"),
            max_initial_failures=max(1, initial),
            max_consecutive=max_consecutive,
        )

    def _now(self) -> float:
        return self._clock()

    def record(self, exit_code: int, *, stopped_by_sweep: bool = False) -> str | None:
        """Count one trial; the reason to end the agent, or None to go on."""
        if stopped_by_sweep:
            return None
        if exit_code == 0:
            self.succeeded += 1
            self.consecutive = 0
            return None
        self.failed += 1
        self.consecutive += 1
        elapsed = self._now() - self._start
        if self.flapping and elapsed < FLAPPING_SECONDS and self.failed >= FLAPPING_FAILURES:
            return (
                f"Detected {self.failed} failed runs in the first {FLAPPING_SECONDS:.0f} seconds, "
                "shutting down the agent (set WANDB_AGENT_DISABLE_FLAPPING=true to go on regardless)"
            )
        if self.max_consecutive is not None and self.consecutive >= self.max_consecutive:
            return f"Detected {self.consecutive} failed runs in a row, shutting down the agent"
        if self.failed >= self.max_initial_failures and self.failed >= self.succeeded:
            return (
                f"Detected {self.failed} failed runs and only {self.succeeded} finished, shutting down the "
                "agent (WANDB_AGENT_MAX_INITIAL_FAILURES sets how many failures it takes)"
            )
        return None
