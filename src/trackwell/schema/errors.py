"""Domain errors, shared by server and SDK.

Hierarchy::

    TrackwellError            (code="error", HTTP 500)
    ├── InvalidArgument       (400) bad input: names the field and the fix
    │   └── SweepConfigInvalid (400) a sweep config with problems: all of them, each by its path
    ├── Unauthorized          (401) missing or wrong API key
    ├── PermissionDenied      (403) authenticated, but not allowed
    ├── NotFound              (404)
    ├── Conflict              (409) e.g. a run that exists when resume="never"
    │   ├── SequenceGap       (409) a record batch skipped sequence numbers; carries expected_seq
    │   └── MissingBlobs      (409) an artifact version names blobs the server lacks (upload them first)
    ├── PayloadTooLarge       (413)
    └── TooManyRequests       (429) e.g. too many sign-in attempts; carries retry_after (seconds)

The server maps them to HTTP in one place (``server/errors.py``) with the body
:class:`~trackwell.schema.error_body.ErrorBody`; the SDK and ``Api`` rebuild the same exception from
that body, so a caller sees one exception type whether the error was raised locally or remotely.

No pydantic here: the SDK raises these on its start-up path, which must not pay pydantic's import
(~100-200 ms); the body model is imported only when an error crosses the wire.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from trackwell.schema.error_body import ErrorBody


class TrackwellError(Exception):
    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def to_body(self) -> ErrorBody:
        from trackwell.schema.error_body import ErrorBody, ErrorDetail

        return ErrorBody(
            error=ErrorDetail(code=self.code, message=self.message, field=self.field, hint=self.hint)
        )


class InvalidArgument(TrackwellError):
    code = "invalid_argument"
    http_status = 400


class Unauthorized(TrackwellError):
    code = "unauthorized"
    http_status = 401


class PermissionDenied(TrackwellError):
    code = "permission_denied"
    http_status = 403


class NotFound(TrackwellError):
    code = "not_found"
    http_status = 404


class Conflict(TrackwellError):
    code = "conflict"
    http_status = 409


class PayloadTooLarge(TrackwellError):
    code = "payload_too_large"
    http_status = 413


class TooManyRequests(TrackwellError):
    """Slow down: the server answers 429 with ``Retry-After: <retry_after>`` (whole seconds)."""

    code = "too_many_requests"
    http_status = 429

    def __init__(
        self, message: str, *, retry_after: int = 1, field: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, field=field, hint=hint)
        self.retry_after = max(1, int(retry_after))


class SequenceGap(Conflict):
    """A batch started after a sequence number the server has not seen: resend from ``expected_seq``."""

    code = "sequence_gap"

    def __init__(self, message: str, *, expected_seq: int) -> None:
        super().__init__(message, hint=f"resend records starting at seq {expected_seq}")
        self.expected_seq = expected_seq

    def to_body(self) -> ErrorBody:
        body = super().to_body()
        body.error.expected_seq = self.expected_seq
        return body


class MissingBlobs(Conflict):
    """An artifact version names content the blob store lacks: upload those blobs, then create the
    version again. ``missing_blobs(digests)`` builds it with the digests in the message."""

    code = "missing_blobs"


def missing_blobs(digests: list[str], shown: int = 50) -> MissingBlobs:
    more = f" and {len(digests) - shown} more" if len(digests) > shown else ""
    listed = ", ".join(digests[:shown]) + more
    return MissingBlobs(
        f"{len(digests)} blob(s) of this version are not on the server: {listed}",
        field="manifest.contents",
        hint="upload them first (POST /api/v1/blobs/missing says which the server lacks), then create "
        "the version again",
    )


class SweepConfigInvalid(InvalidArgument):
    """A sweep config with one or more problems, all listed (``problems``: "<path>: <what> (<fix>)",
    e.g. "parameters.learning_rate.min must be less than max"); nothing was created."""

    code = "invalid_sweep_config"

    def __init__(self, problems: list[str]) -> None:
        count = f"{len(problems)} problems" if len(problems) != 1 else "1 problem"
        listed = "".join(f"\n  - {p}" for p in problems)
        super().__init__(f"the sweep config has {count}:{listed}", field="config")
        self.problems = list(problems)

    def to_body(self) -> ErrorBody:
        body = super().to_body()
        body.error.problems = list(self.problems)
        return body


_BY_CODE: dict[str, type[TrackwellError]] = {
    cls.code: cls
    for cls in (
        TrackwellError,
        InvalidArgument,
        Unauthorized,
        PermissionDenied,
        NotFound,
        Conflict,
        MissingBlobs,
        PayloadTooLarge,
        TooManyRequests,
    )
}


def error_from_body(status: int, body: Any) -> TrackwellError:
    """Rebuild the domain exception from an HTTP error response (used by the SDK and ``Api``)."""
    from trackwell.schema.error_body import ErrorBody

    try:
        detail = ErrorBody.model_validate(body).error
    except Exception:
        return TrackwellError(f"server answered HTTP {status}: {str(body)[:300]}")
    if detail.code == SequenceGap.code and detail.expected_seq is not None:
        return SequenceGap(detail.message, expected_seq=detail.expected_seq)
    if detail.code == SweepConfigInvalid.code and detail.problems is not None:
        return SweepConfigInvalid(detail.problems)
    cls = _BY_CODE.get(detail.code, TrackwellError)
    return cls(detail.message, field=detail.field, hint=detail.hint)
