"""``trackwell.Html``: an HTML snippet or file, shown by the UI in a sandboxed frame.

``inject=True`` (wandb's default) adds ``<base target="_blank">`` so links open outside the frame,
and a small inline stylesheet. wandb links a stylesheet on its own CDN; a self-hosted server must
not make viewers fetch from the internet, so ours is inline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trackwell.data_types.base import Media, check_size, read_file_bytes

_INJECT = (
    '<base target="_blank">'
    "<style>html{font-family:system-ui,sans-serif;line-height:1.4}body{margin:0}</style>"
)


def inject_head(html: str) -> str:
    """Add our ``<head>`` content the way wandb does: into an existing head, else a new one."""
    lower = html.lower()
    at = lower.find("<head>")
    if at >= 0:
        return html[: at + 6] + _INJECT + html[at + 6 :]
    at = lower.find("<html>")
    if at >= 0:
        return html[: at + 6] + "<head>" + _INJECT + "</head>" + html[at + 6 :]
    return "<head>" + _INJECT + "</head>" + html


class Html(Media):
    """HTML logged to a run; JSON ``_type: "html-file"``, files under ``media/html/``."""

    _type = "html-file"
    SUBDIR = "html"

    def __init__(self, data_or_path: Any, inject: bool = True, data_is_not_path: bool = False) -> None:
        if hasattr(data_or_path, "read"):
            text = data_or_path.read()
        elif isinstance(data_or_path, Path) or (
            isinstance(data_or_path, str) and not data_is_not_path and _looks_like_path(data_or_path)
        ):
            text = read_file_bytes("Html", data_or_path).decode("utf-8", errors="replace")
        elif isinstance(data_or_path, str):
            text = data_or_path
        else:
            raise TypeError(
                "Html: expected an HTML string, a file path or a file object, "
                f"got {type(data_or_path).__name__}"
            )
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        self.html = inject_head(text) if inject else text
        check_size("Html", len(self.html))

    def _encode(self) -> tuple[bytes, str]:
        return self.html.encode("utf-8"), ".html"


def _looks_like_path(text: str) -> bool:
    return "<" not in text and len(text) < 4096 and Path(text).is_file()
