"""A report's text blocks as static HTML: every piece of user text escaped, no script, no request.

Spans keep their marks (bold, italic, code) and links (already http(s)/mailto by the schema);
Markdown goes through markdown-it-py with raw HTML off (shown as text, as the UI's note panel
shows it); images from a run's files are embedded as ``data:`` URIs, and an image from the web
becomes a link to it, because an exported file must not fetch anything when opened.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import Any

from trackwell.schema.errors import TrackwellError
from trackwell.schema.reports import (
    CalloutBlock,
    CodeBlock,
    HeadingBlock,
    ImageBlock,
    ListBlock,
    MarkdownBlock,
    ParagraphBlock,
    RunFileRef,
    Span,
)
from trackwell.service.report_export_charts import ExportUnavailable

# An embedded image's bytes, or the reason it cannot be embedded (shown in its place).
FileReader = Callable[[RunFileRef], "bytes | str"]
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def attr(value: str) -> str:
    return escape(value, quote=True)


def spans_html(spans: list[Span]) -> str:
    out = []
    for span in spans:
        piece = escape(span.text)
        if span.code:
            piece = f"<code>{piece}</code>"
        if span.italic:
            piece = f"<em>{piece}</em>"
        if span.bold:
            piece = f"<strong>{piece}</strong>"
        if span.link:
            piece = f'<a href="{attr(span.link)}" rel="noopener noreferrer">{piece}</a>'
        out.append(piece)
    return "".join(out)


def _markdown_renderer() -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise ExportUnavailable(
            "exporting a report renders its Markdown with markdown-it-py, which this server does not have",
            hint="install it on the server: pip install markdown-it-py",
        ) from None
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
    # An image in Markdown would be fetched when the file is opened: a link to it instead.
    md.add_render_rule("image", _image_as_link)
    return md


def _image_as_link(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    alt = renderer.renderInlineAsText(token.children or [], options, env) or src
    return image_link(src, alt)


def image_link(url: str, text: str) -> str:
    return f'<a class="image-link" href="{attr(url)}" rel="noopener noreferrer">Image: {escape(text)}</a>'


_MARKDOWN: Any = None


def markdown_html(text: str) -> str:
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = _markdown_renderer()
    return f'<div class="markdown">{_MARKDOWN.render(text)}</div>'


def heading_html(block: HeadingBlock) -> str:
    # The report's title is the page's h1, so a level-1 heading is an h2.
    level = block.level + 1
    return f"<h{level}>{spans_html(block.text)}</h{level}>"


def paragraph_html(block: ParagraphBlock) -> str:
    return f"<p>{spans_html(block.text)}</p>"


def list_html(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    items = "".join(f"<li>{spans_html(item)}</li>" for item in block.items)
    return f"<{tag}>{items}</{tag}>"


def code_html(block: CodeBlock) -> str:
    label = f'<div class="code-language">{escape(block.language)}</div>' if block.language else ""
    return f'<div class="code">{label}<pre><code>{escape(block.code)}</code></pre></div>'


def callout_html(block: CalloutBlock) -> str:
    return f'<div class="callout">{spans_html(block.text)}</div>'


def image_html(block: ImageBlock, read_file: FileReader) -> str:
    caption = f"<figcaption>{escape(block.caption)}</figcaption>" if block.caption else ""
    if block.url is not None:
        return f"<figure>{image_link(block.url, block.url)}{caption}</figure>"
    ref = block.run_file
    assert ref is not None  # the schema wants exactly one of url and run_file
    got = read_file(ref)
    if isinstance(got, str):
        where = f"{ref.entity}/{ref.project}/{ref.run_id}/{ref.path}"
        body = f'<div class="placeholder">Image {escape(where)} is not in this export: {escape(got)}</div>'
    else:
        body = f'<img src="{data_uri(got)}" alt="{attr(block.caption or ref.path)}">'
    return f"<figure>{body}{caption}</figure>"


def image_type(data: bytes) -> str | None:
    for magic, mime in IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def data_uri(data: bytes, mime: str | None = None) -> str:
    kind = mime or image_type(data) or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def text_block_html(block: Any, read_file: FileReader) -> str:
    """Any block but a panel grid."""
    if isinstance(block, HeadingBlock):
        return heading_html(block)
    if isinstance(block, ParagraphBlock):
        return paragraph_html(block)
    if isinstance(block, ListBlock):
        return list_html(block)
    if isinstance(block, CodeBlock):
        return code_html(block)
    if isinstance(block, CalloutBlock):
        return callout_html(block)
    if isinstance(block, MarkdownBlock):
        return markdown_html(block.text)
    if isinstance(block, ImageBlock):
        return image_html(block, read_file)
    raise TrackwellError(f"no HTML for block type {getattr(block, 'type', '?')!r}")
