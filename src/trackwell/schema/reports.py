"""Reports: live research memos of a project, a document of blocks (``schema.reports``, issue 16).

A report is a title, a description, a status (draft or published) and an ordered list of blocks:
headings, paragraphs, lists, code, callouts, Markdown, images, and panel grids. Text is a list of
``Span`` s (text plus bold/italic/code/link marks), never raw HTML, so nothing a writer types can
run in a reader's browser. A panel grid holds workspace panels (the very models of
``schema.layout``) drawn over run sets: a project plus a filter and a grouping, so runs logged
later that match appear without editing the report.

Every save is kept as a version; a save names the version it edited (``base_version``) and is
refused (409) when someone saved since. The service (``service/reports.py``) holds those rules.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from trackwell.schema.layout import Key, Panel
from trackwell.schema.name_types import EntityName, ProjectName, RunId

MAX_REPORT_BYTES = 1024 * 1024  # a stored version's document, as compact JSON
MAX_BLOCKS = 500
MAX_SPANS = 500
MAX_TEXT_CHARS = 20_000
MAX_LIST_ITEMS = 500
MAX_CODE_CHARS = 100_000
MAX_RUNSETS = 10
MAX_GRID_PANELS = 50
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000
REPORT_ID_PATTERN = r"^[a-z0-9]{1,16}$"

ReportId = Annotated[str, Field(pattern=REPORT_ID_PATTERN)]
ReportStatus = Literal["draft", "published"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _web_url(value: str) -> str:
    # Only links a browser opens as a page: "javascript:" and "data:" URLs could run script.
    scheme = urlsplit(value).scheme.lower()
    if scheme not in ("http", "https", "mailto"):
        raise ValueError(f"{value[:80]!r} is no http(s) or mailto URL; write it as https://...")
    return value


WebUrl = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_web_url)]


class Span(_Strict):
    """A run of text with its marks; a paragraph is a list of them."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: WebUrl | None = Field(default=None, description="Where the text links to; null: no link.")


Text = Annotated[list[Span], Field(max_length=MAX_SPANS)]


class HeadingBlock(_Strict):
    type: Literal["heading"] = "heading"
    level: Literal[1, 2, 3] = 1
    text: Text


class ParagraphBlock(_Strict):
    type: Literal["paragraph"] = "paragraph"
    text: Text


class ListBlock(_Strict):
    type: Literal["list"] = "list"
    ordered: bool = False
    items: list[Text] = Field(min_length=1, max_length=MAX_LIST_ITEMS)


class CodeBlock(_Strict):
    type: Literal["code"] = "code"
    language: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_+#.\-]+$")
    code: str = Field(max_length=MAX_CODE_CHARS)


class CalloutBlock(_Strict):
    """A highlighted note, e.g. the hypothesis or the next action."""

    type: Literal["callout"] = "callout"
    text: Text


class MarkdownBlock(_Strict):
    """Markdown as the workspace's note panel renders it (GitHub flavour; raw HTML shown as text)."""

    type: Literal["markdown"] = "markdown"
    text: str = Field(max_length=MAX_CODE_CHARS)


class RunFileRef(_Strict):
    """A file a run saved (``run.save`` or logged media)."""

    entity: EntityName
    project: ProjectName
    run_id: RunId
    path: str = Field(min_length=1, max_length=1024)


class ImageBlock(_Strict):
    """An image from a web URL or from a run's files: exactly one of ``url`` and ``run_file``."""

    type: Literal["image"] = "image"
    url: WebUrl | None = None
    run_file: RunFileRef | None = None
    caption: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_source(self) -> ImageBlock:
        if (self.url is None) == (self.run_file is None):
            raise ValueError("an image needs exactly one of url and run_file")
        return self


class Runset(_Strict):
    """The runs a panel grid draws: a project's runs that the filter selects, grouped by keys."""

    name: str = Field(default="Run set", min_length=1, max_length=200)
    entity: EntityName
    project: ProjectName
    filters: str | None = Field(
        default=None,
        max_length=8192,
        description="The runs table's filter: the JSON filter or the short form (`lr>0.01 and "
        "state=finished`); null: every run.",
    )
    group_by: list[Key] = Field(
        default_factory=list, max_length=10, description="Group keys, e.g. 'config.optimizer'."
    )


class PanelGridBlock(_Strict):
    type: Literal["panel_grid"] = "panel_grid"
    runsets: list[Runset] = Field(min_length=1, max_length=MAX_RUNSETS)
    panels: list[Panel] = Field(max_length=MAX_GRID_PANELS)


Block = Annotated[
    HeadingBlock
    | ParagraphBlock
    | ListBlock
    | CodeBlock
    | CalloutBlock
    | MarkdownBlock
    | ImageBlock
    | PanelGridBlock,
    Field(discriminator="type"),
]

Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION_CHARS)]


class ReportDocument(_Strict):
    """What one version of a report holds."""

    title: Title
    description: Description = ""
    status: ReportStatus = "draft"
    blocks: list[Block] = Field(default_factory=list, max_length=MAX_BLOCKS)


class ReportCreate(ReportDocument):
    """Body of ``POST /api/v1/reports/{entity}/{project}``: version 1."""


class ReportSave(ReportDocument):
    """Body of ``PUT /api/v1/reports/{entity}/{project}/{report_id}``: a new version, made from
    ``base_version`` (the version the writer loaded); refused with 409 when it is not the newest."""

    base_version: int = Field(ge=1, description="The version this document was edited from.")


class ReportSummary(BaseModel):
    """A report in the project's list, as of its newest version. ``owner`` (who created it) is
    null once that account is gone."""

    id: str
    entity: str
    project: str
    title: str
    status: ReportStatus
    owner: str | None = None
    version: int
    created_at: float
    updated_at: float


class ReportOut(ReportSummary):
    """One version of a report (``version``), by ``author`` at ``version_created_at``."""

    description: str
    blocks: list[Block]
    latest_version: int
    author: str | None = None
    version_created_at: float


class ReportList(BaseModel):
    """The project's reports, the most recently saved first."""

    reports: list[ReportSummary]


class ReportVersionInfo(BaseModel):
    version: int
    author: str | None = None
    created_at: float
    title: str
    status: ReportStatus


class ReportVersionList(BaseModel):
    """Every saved version, newest first."""

    versions: list[ReportVersionInfo]


class BlockChange(BaseModel):
    """One block that differs: ``added`` (only ``new``), ``removed`` (only ``old``) or ``changed``
    (the block at ``old_index`` became the one at ``new_index``)."""

    change: Literal["added", "removed", "changed"]
    old_index: int | None = None
    new_index: int | None = None
    old: Block | None = None
    new: Block | None = None


class ReportDiff(BaseModel):
    """What changed from version ``from_version`` to ``to_version``."""

    from_version: int
    to_version: int
    changed_fields: list[Literal["title", "description", "status"]]
    blocks: list[BlockChange]
    unchanged_blocks: int
