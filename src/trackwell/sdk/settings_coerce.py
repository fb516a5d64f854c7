"""Parsing of each setting's value, wherever it came from (argument, environment, settings file).

One parser per field type; each raises :class:`~trackwell.schema.errors.InvalidArgument` with a
message that names the source (``WANDB_MODE='onlin' is not one of online, offline, disabled``) and,
for the API key, never the value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.names import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_LABEL_LENGTH,
    check_label,
    check_name,
    check_run_id,
    check_tags,
)

_MODES = ("online", "offline", "disabled")
# wandb's legacy and alternative spellings, accepted so that old scripts keep working.
_MODE_ALIASES = {"dryrun": "offline", "run": "online", "shared": "online"}
_CONSOLES = ("auto", "off")
_CONSOLE_ALIASES = {"wrap": "auto", "redirect": "auto", "wrap_raw": "auto", "wrap_emu": "auto"}
_RESUMES = ("allow", "must", "never", "auto")
_REINITS = ("default", "return_previous", "finish_previous", "create_new")
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}

# --- coercion: one parser per field type, each raising a message that names the source ---------


def _bad(source: str, value: Any, expected: str) -> InvalidArgument:
    return InvalidArgument(f"{source}={value!r} is {expected}", field=source)


def _choice(choices: tuple[str, ...], aliases: Mapping[str, str]) -> Callable[[str, Any], Any]:
    def parse(source: str, value: Any) -> str:
        text = str(value).strip().lower()
        text = aliases.get(text, text)
        if text not in choices:
            raise _bad(source, value, "not one of " + ", ".join(choices))
        return text

    return parse


def _bool(source: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(source, value, "not a boolean (use true or false)")


def _seconds(source: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(source, value, "not a number of seconds") from None
    if not number > 0 or number == float("inf"):
        raise _bad(source, value, "not a positive number of seconds")
    return number


def _optional_text(source: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(source, value, "not a string")
    return value


def _api_key(source: str, value: Any) -> str | None:
    # The message must never contain the value: it is a secret.
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value.strip()):
        raise InvalidArgument(
            f"{source} is not a valid API key (a non-empty string without spaces)", field=source
        )
    return value.strip()


def _base_url(source: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", text):
        raise _bad(source, value, "not an http(s) URL (e.g. http://127.0.0.1:8080)")
    return text


def _run_id(source: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    return check_run_id(source, str(value))


def _identifier(source: str, value: Any) -> str | None:
    """Entity and project: wandb's rule (schema/names.py); unset when empty."""
    if value is None or value == "":
        return None
    return check_name(source, value)


def _label(max_length: int) -> Callable[[str, Any], str | None]:
    def parse(source: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        return check_label(source, value, max_length=max_length)

    return parse


def _resume(source: str, value: Any) -> str | None:
    # wandb accepts resume=True ("auto") and resume=False (no resume).
    if value is None or value is False:
        return None
    if value is True:
        return "auto"
    text = str(value).strip().lower()
    if text in ("", "false", "0", "no"):
        return None
    if text in ("true", "1", "yes"):
        return "auto"
    return str(_choice(_RESUMES, {})(source, value))


def _reinit(source: str, value: Any) -> str:
    """wandb 0.31's ``reinit``: one of the four policies, or the legacy booleans."""
    if value is None or value == "":
        return "default"
    if value is True or (isinstance(value, str) and value.strip().lower() in _TRUE):
        return "finish_previous"
    if value is False or (isinstance(value, str) and value.strip().lower() in _FALSE):
        return "return_previous"
    text = str(value).strip().lower()
    if text not in _REINITS:
        raise _bad(source, value, "not one of " + ", ".join(_REINITS) + " (or True/False)")
    return text


def _tags(source: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        raise _bad(source, value, "not a comma-separated list of tags")
    tags = tuple(str(t).strip() for t in items if str(t).strip())
    return tuple(check_tags(source, list(tags)))


def _path(source: str, value: Any) -> Path:
    if not isinstance(value, str | os.PathLike) or str(value) == "":
        raise _bad(source, value, "not a path")
    return Path(value).expanduser()


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "mode": _choice(_MODES, _MODE_ALIASES),
    "console": _choice(_CONSOLES, _CONSOLE_ALIASES),
    "resume": _resume,
    "reinit": _reinit,
    "base_url": _base_url,
    "api_key": _api_key,
    "run_id": _run_id,
    "project": _identifier,
    "entity": _identifier,
    "run_name": _label(MAX_DISPLAY_NAME_LENGTH),
    "run_group": _label(MAX_LABEL_LENGTH),
    "job_type": _label(MAX_LABEL_LENGTH),
    "tags": _tags,
    "root_dir": _path,
    "data_dir": _path,
    "config_dir": _path,
    "netrc_path": _path,
    "stats_interval": _seconds,
    "heartbeat_interval": _seconds,
    "finish_timeout": _seconds,
    "init_timeout": _seconds,
    "http_timeout": _seconds,
    "silent": _bool,
    "quiet": _bool,
    "disable_stats": _bool,
    "disable_meta": _bool,
    "disable_packages": _bool,
    "disable_git": _bool,
    "disable_code": _bool,
    "save_code": _bool,
}


def coerce(name: str, value: Any, *, source: str) -> Any:
    """Parse ``value`` for field ``name``; errors name ``source`` (an env var, file or argument)."""
    parser: Callable[[str, Any], Any] = _PARSERS.get(name) or _optional_text
    return parser(source, value)
