"""The rules for the names users give: entity, project, run id, run name, group, job type, tags.

They mirror wandb 0.31 (``wandb_settings.py``; docs of ``wandb.init``): a project name "cannot contain
characters ``/ \\ # ? % :``" and is at most 128 characters; a run id cannot contain the same
characters and cannot start or end with whitespace. Everything else is allowed: spaces ("wandb
tutorial"), dots, quotes, any script ("模型 über"). Those names travel as URL path segments (the
clients percent-encode them, the server decodes them) and are never joined to a file path.

Refused here as well, where wandb would only fail later or oddly: the empty name, a name of only
whitespace, control characters (NUL, newline, ...: they break logs, terminals and URLs), and the
names ``.`` and ``..`` (an HTTP client or browser removes them from a URL path, so the run could
never be addressed).

One implementation for every side: the SDK's settings, ``init()``, the pydantic models and the
server's path parameters call :func:`check_name`/:func:`check_run_id`. Plain functions (no pydantic)
so that ``init()`` can check names without importing the wire models.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from trackwell.schema.errors import InvalidArgument

# wandb: `invalid_chars_list = list("/\\#?%:")` for project names; the run id docs name the same set.
FORBIDDEN_CHARS = "/\\#?%:"
MAX_NAME_LENGTH = 128  # entity, project and run id: wandb refuses a project name over 128 characters
MAX_TAG_LENGTH = 64  # wandb: "tags must be between 1 and 64 characters"
MAX_LABEL_LENGTH = 128  # group and job type
MAX_DISPLAY_NAME_LENGTH = 256  # what the runs table holds (display_name VARCHAR(256))
# A run id is part of the run's folder name on disk (``offline-run-<stamp>-<id>-<n>``, 255 bytes at
# most on common file systems): capped in UTF-8 bytes as well as in characters.
MAX_RUN_ID_BYTES = 200

_FIX = "use letters, digits, spaces and punctuation other than / \\ # ? % :"


def _control(text: str) -> str | None:
    for char in text:
        if unicodedata.category(char) == "Cc":
            return char
    return None


def name_problem(value: object, *, max_length: int = MAX_NAME_LENGTH, identifier: bool = True) -> str | None:
    """Why ``value`` is not a valid name, or None when it is.

    ``identifier``: the name is part of a URL path (entity, project, run id), so ``/ \\ # ? % :``
    and the dot names are refused; labels (group, job type, tags, run name) only need to be
    non-empty, printable and not too long.
    """
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if value == "" or not value.strip():
        return "must not be empty"
    if len(value) > max_length:
        return f"is {len(value)} characters long; the limit is {max_length}"
    bad = _control(value)
    if bad is not None:
        return f"contains the control character {bad!r}"
    if identifier:
        found = sorted({c for c in value if c in FORBIDDEN_CHARS})
        if found:
            return f"cannot contain the characters / \\ # ? % : (found {' '.join(found)})"
        if value in (".", ".."):
            return "cannot be '.' or '..'"
    return None


def run_id_problem(value: object) -> str | None:
    """Why ``value`` is not a valid run id (wandb's rule plus the checks of :func:`name_problem`)."""
    problem = name_problem(value)
    if problem is not None:
        return problem
    assert isinstance(value, str)
    if value != value.strip():
        return "cannot start or end with whitespace"
    if len(value.encode("utf-8")) > MAX_RUN_ID_BYTES:
        return f"is {len(value.encode('utf-8'))} bytes in UTF-8; the limit is {MAX_RUN_ID_BYTES}"
    return None


def check_name(
    field: str, value: object, *, max_length: int = MAX_NAME_LENGTH, identifier: bool = True
) -> str:
    """``value`` when it is a valid name for ``field``; else :class:`InvalidArgument` naming both
    (``field`` is where the value came from: ``project``, ``WANDB_PROJECT``, ...)."""
    problem = name_problem(value, max_length=max_length, identifier=identifier)
    if problem is not None:
        hint = _FIX if identifier else f"use 1 to {max_length} printable characters"
        raise InvalidArgument(f"{field}={value!r} is not a valid name: {problem}", field=field, hint=hint)
    assert isinstance(value, str)
    return value


def check_run_id(field: str, value: object) -> str:
    problem = run_id_problem(value)
    if problem is not None:
        raise InvalidArgument(
            f"{field}={value!r} is not a valid run id: {problem}",
            field=field,
            hint="a run id is up to 128 characters without / \\ # ? % : or surrounding spaces",
        )
    assert isinstance(value, str)
    return value


def check_tags(field: str, tags: object) -> list[str]:
    """Each tag a non-empty label of at most 64 characters (wandb's limit)."""
    if not isinstance(tags, list | tuple):
        raise InvalidArgument(f"{field} must be a list of strings", field=field)
    return [check_name(field, t, max_length=MAX_TAG_LENGTH, identifier=False) for t in tags]


def check_label(field: str, value: str | None, *, max_length: int = MAX_LABEL_LENGTH) -> str | None:
    """A group, job type or run name: None passes; otherwise printable and not too long."""
    if value is None:
        return None
    return check_name(field, value, max_length=max_length, identifier=False)


def url_path(*segments: str) -> str:
    """``a/b/c`` with each segment percent-encoded (UTF-8), as links and API paths need them:
    ``url_path("me", "wandb tutorial")`` is ``me/wandb%20tutorial``."""
    return "/".join(quote(segment, safe="") for segment in segments)
