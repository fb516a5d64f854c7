"""Text blocks of a report and their inline marks, as wandb_workspaces.reports.v2 names them:
``H1``/``H2``/``H3``, ``P``, ``UnorderedList``, ``OrderedList``, ``CodeBlock``, ``MarkdownBlock``,
``CalloutBlock``, ``Image``; inline ``Link``, ``InlineCode``, ``Bold``, ``Italic`` and ``Text`` (any
mix of marks).

Each maps to the wire's block (``schema/reports.py``) and back. Text is kept in one canonical form
(a lone plain string stays a ``str``), so a report saved and loaded again is equal to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Union


@dataclass(frozen=True)
class Text:
    """A run of text with any marks (the wire's ``Span``)."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None

    def to_wire(self) -> dict[str, Any]:
        span: dict[str, Any] = {"text": self.text}
        for mark in ("bold", "italic", "code"):
            if getattr(self, mark):
                span[mark] = True
        if self.link is not None:
            span["link"] = self.link
        return span


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def to_wire(self) -> dict[str, Any]:
        return {"text": self.text, "link": self.url}


@dataclass(frozen=True)
class InlineCode:
    code: str

    def to_wire(self) -> dict[str, Any]:
        return {"text": self.code, "code": True}


@dataclass(frozen=True)
class Bold:
    text: str

    def to_wire(self) -> dict[str, Any]:
        return {"text": self.text, "bold": True}


@dataclass(frozen=True)
class Italic:
    text: str

    def to_wire(self) -> dict[str, Any]:
        return {"text": self.text, "italic": True}


Inline = Union[str, Text, Link, InlineCode, Bold, Italic]  # noqa: UP007  (a runtime alias)
TextLike = Union[str, list[Inline]]  # noqa: UP007


def _inline_from_wire(span: dict[str, Any]) -> Inline:
    text: str = span["text"]
    link: str | None = span.get("link")
    marks = tuple(mark for mark in ("bold", "italic", "code") if span.get(mark))
    if link is None and not marks:
        return text
    if link is not None and not marks:
        return Link(text, link)
    if link is None and marks == ("code",):
        return InlineCode(text)
    if link is None and marks == ("bold",):
        return Bold(text)
    if link is None and marks == ("italic",):
        return Italic(text)
    return Text(text, bold="bold" in marks, italic="italic" in marks, code="code" in marks, link=link)


def _canonical(text: TextLike) -> TextLike:
    if isinstance(text, list) and len(text) == 1 and isinstance(text[0], str):
        return text[0]
    if isinstance(text, list):
        return [part for part in text if part != ""]
    return text


def text_to_wire(text: TextLike) -> list[dict[str, Any]]:
    parts = [text] if isinstance(text, str) else text
    return [{"text": part} if isinstance(part, str) else part.to_wire() for part in parts if part != ""]


def text_from_wire(spans: list[dict[str, Any]]) -> TextLike:
    return _canonical([_inline_from_wire(span) for span in spans]) if spans else ""


@dataclass
class _Heading:
    text: TextLike = ""
    level: ClassVar[int] = 1

    def __post_init__(self) -> None:
        self.text = _canonical(self.text)

    def to_wire(self) -> dict[str, Any]:
        return {"type": "heading", "level": self.level, "text": text_to_wire(self.text)}


@dataclass
class H1(_Heading):
    level: ClassVar[int] = 1


@dataclass
class H2(_Heading):
    level: ClassVar[int] = 2


@dataclass
class H3(_Heading):
    level: ClassVar[int] = 3


@dataclass
class P:
    text: TextLike = ""

    def __post_init__(self) -> None:
        self.text = _canonical(self.text)

    def to_wire(self) -> dict[str, Any]:
        return {"type": "paragraph", "text": text_to_wire(self.text)}


@dataclass
class CalloutBlock:
    text: TextLike = ""

    def __post_init__(self) -> None:
        self.text = _canonical(self.text)

    def to_wire(self) -> dict[str, Any]:
        return {"type": "callout", "text": text_to_wire(self.text)}


@dataclass
class UnorderedList:
    items: list[TextLike] = field(default_factory=list)
    ordered: ClassVar[bool] = False

    def __post_init__(self) -> None:
        self.items = [_canonical(item) for item in self.items]

    def to_wire(self) -> dict[str, Any]:
        return {"type": "list", "ordered": self.ordered, "items": [text_to_wire(i) for i in self.items]}


@dataclass
class OrderedList(UnorderedList):
    ordered: ClassVar[bool] = True


@dataclass
class CodeBlock:
    code: str = ""
    language: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return {"type": "code", "code": self.code, "language": self.language}


@dataclass
class MarkdownBlock:
    text: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {"type": "markdown", "text": self.text}


@dataclass
class Image:
    """An image from a web URL, or from a run's files (``run_path``: ``entity/project/run_id``, and
    ``path``: the file in that run)."""

    url: str | None = None
    caption: str | None = None
    run_path: str | None = None
    path: str | None = None

    def to_wire(self) -> dict[str, Any]:
        block: dict[str, Any] = {"type": "image", "url": self.url, "caption": self.caption}
        if self.run_path is not None or self.path is not None:
            entity, project, run_id = (self.run_path or "").split("/", 2) if self.run_path else ("", "", "")
            block["run_file"] = {"entity": entity, "project": project, "run_id": run_id, "path": self.path}
        return block


def text_block_from_wire(block: dict[str, Any]) -> Any:
    """The Python block of a wire block that is not a panel grid."""
    kind = block["type"]
    if kind == "heading":
        return {1: H1, 2: H2, 3: H3}[block["level"]](text_from_wire(block["text"]))
    if kind == "paragraph":
        return P(text_from_wire(block["text"]))
    if kind == "callout":
        return CalloutBlock(text_from_wire(block["text"]))
    if kind == "list":
        kind_of_list = OrderedList if block["ordered"] else UnorderedList
        return kind_of_list([text_from_wire(item) for item in block["items"]])
    if kind == "code":
        return CodeBlock(block["code"], block.get("language"))
    if kind == "markdown":
        return MarkdownBlock(block["text"])
    if kind == "image":
        source = block.get("run_file")
        if source is None:
            return Image(url=block["url"], caption=block.get("caption"))
        run_path = f"{source['entity']}/{source['project']}/{source['run_id']}"
        return Image(caption=block.get("caption"), run_path=run_path, path=source["path"])
    raise ValueError(f"unknown block type {kind!r}")
