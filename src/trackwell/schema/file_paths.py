"""The rule for a run file's name, shared by the server (uploads) and the client (downloads).

A run file is named by a relative, '/'-separated path inside the run's ``files/`` folder. That
name ends up in URLs, in the index, in blob stores and, when a client downloads it, joined to a
folder on the user's disk. So one rule, here, refuses anything that could climb out of a folder:
absolute paths, drive letters, ``..`` and ``.`` segments, empty segments, backslashes, NUL. The
server applies it to what it accepts; ``trackwell.apis.downloads`` applies it (plus a check of the
resolved path, which catches symlinks) to every name a server sends back, since a client must not
trust a server it merely reads from.

No pydantic here: the SDK's restore path uses it.
"""

from __future__ import annotations

from trackwell.schema.errors import InvalidArgument

MAX_PATH_LENGTH = 1024


def unsafe_reason(path: str) -> str | None:
    """Why ``path`` is not a safe relative file path, or None when it is."""
    if not isinstance(path, str) or not path:
        return "it is empty"
    if len(path) > MAX_PATH_LENGTH:
        return f"it is longer than {MAX_PATH_LENGTH} characters"
    if "\x00" in path:
        return "it contains a NUL character"
    if "\\" in path:
        return "it contains a backslash; separate folders with '/'"
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "it is absolute"
    for segment in path.split("/"):
        if segment == "":
            return "it has an empty segment ('//' or a trailing '/')"
        if segment in (".", ".."):
            return f"it contains a '{segment}' segment"
    return None


def sanitize_path(path: str) -> str:
    """Return ``path`` if it is a safe relative '/'-separated path, else raise ``InvalidArgument``."""
    why = unsafe_reason(path)
    if why is not None:
        raise InvalidArgument(
            f"file path {str(path)[:200]!r} is not allowed: {why}",
            field="path",
            hint="use a relative path inside the run's files folder, like 'media/images/a.png'",
        )
    return path
