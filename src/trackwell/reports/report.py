"""``Report``: a report made, saved and loaded from Python, modelled on
``wandb_workspaces.reports.v2.Report`` (``Report(project=, title=, description=, blocks=[...])``,
``.save()``, ``Report.from_url(url)``).

The blocks are checked against the wire schema (``schema/reports.py``) before anything is sent, so
a mistake names its field at once. ``save()`` makes version 1, then each save a new version edited
from the one this object holds: if someone saved in between, it raises ``Conflict`` naming the
newest version, and nothing is overwritten.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from trackwell.reports.client import ReportClient
from trackwell.reports.panels import PanelGrid
from trackwell.reports.text import text_block_from_wire
from trackwell.schema.errors import InvalidArgument
from trackwell.schema.names import url_path


def _wire_blocks(report: Report) -> list[dict[str, Any]]:
    return [
        b.to_wire(report.entity, report.project) if isinstance(b, PanelGrid) else b.to_wire()
        for b in report.blocks
    ]


def _document(report: Report) -> dict[str, Any]:
    from trackwell.schema.reports import ReportDocument  # pydantic: only when a report is saved

    body = {
        "title": report.title,
        "description": report.description,
        "status": report.status,
        "blocks": _wire_blocks(report),
    }
    return ReportDocument.model_validate(body).model_dump(mode="json")


class Report:
    def __init__(
        self,
        project: str,
        entity: str | None = None,
        title: str = "Untitled Report",
        description: str = "",
        blocks: list[Any] | None = None,
        status: str = "draft",
        *,
        client: ReportClient | None = None,
    ) -> None:
        self._client = client
        self.project = project
        self.entity = entity or self.client.viewer_entity()
        self.title = title
        self.description = description
        self.blocks = list(blocks or [])
        self.status = status
        self.id: str | None = None
        self.version: int | None = None  # the version this object was loaded from or saved as

    @property
    def client(self) -> ReportClient:
        if self._client is None:
            self._client = ReportClient.from_settings()
        return self._client

    def __repr__(self) -> str:
        where = f"{self.entity}/{self.project}"
        return f"Report({where}, id={self.id!r}, title={self.title!r}, version={self.version})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return self._content() == other._content()

    __hash__ = None  # type: ignore[assignment]

    def _content(self) -> tuple[Any, ...]:
        # Compared as the server stores them: a run set left on the report's project and one that
        # names it are the same run set.
        return (self.entity, self.project, self.title, self.description, self.status, _wire_blocks(self))

    @property
    def url(self) -> str:
        """The report's page (``<server>/<entity>/<project>/reports/<id>``); set once it is saved."""
        if self.id is None:
            raise InvalidArgument("the report has no address before it is saved", hint="call save() first")
        # Names may hold spaces and any script: each segment percent-encoded, as the UI's links are.
        where = "/".join(url_path(p) for p in (self.entity, self.project, "reports", self.id))
        return f"{self.client.base_url}/{where}"

    def _load(self, answer: dict[str, Any]) -> Report:
        self.id, self.version = answer["id"], answer["version"]
        self.title, self.description, self.status = answer["title"], answer["description"], answer["status"]
        self.blocks = [
            PanelGrid.from_wire(b, self.entity, self.project)
            if b["type"] == "panel_grid"
            else text_block_from_wire(b)
            for b in answer["blocks"]
        ]
        return self

    def save(self) -> Report:
        """Version 1 of a new report, else a new version (``Conflict`` when not the newest)."""
        document = _document(self)
        if self.id is None or self.version is None:
            answer = self.client.create(self.entity, self.project, document)
        else:
            answer = self.client.save(self.entity, self.project, self.id, document, self.version)
        return self._load(answer)

    @classmethod
    def load(
        cls,
        entity: str,
        project: str,
        report_id: str,
        version: int | None = None,
        *,
        client: ReportClient | None = None,
    ) -> Report:
        """The report as of its newest version, or ``version``."""
        report = cls(project, entity, client=client)
        return report._load(report.client.get(entity, project, report_id, version))

    @classmethod
    def from_url(cls, url: str, *, client: ReportClient | None = None) -> Report:
        """The report at ``url`` (``.../<entity>/<project>/reports/<id>``, as ``Report.url`` gives)."""
        parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
        if len(parts) < 4 or parts[-2] != "reports":
            raise InvalidArgument(
                f"{url!r} is no report address",
                field="url",
                hint="use <server>/<entity>/<project>/reports/<id>",
            )
        return cls.load(parts[-4], parts[-3], parts[-1], client=client)

    def _saved(self) -> str:
        if self.id is None:
            raise InvalidArgument("the report is not saved yet", hint="call save() first")
        return self.id

    def versions(self) -> list[dict[str, Any]]:
        """Every saved version (version, author, created_at, title, status), newest first."""
        return self.client.versions(self.entity, self.project, self._saved())

    def diff(self, from_version: int, to_version: int) -> dict[str, Any]:
        """The blocks added, removed and changed between two versions (``ReportDiff``'s JSON)."""
        return self.client.diff(self.entity, self.project, self._saved(), from_version, to_version)

    def restore(self, version: int) -> Report:
        """Save ``version``'s content as the newest version, and hold that."""
        return self._load(self.client.restore(self.entity, self.project, self._saved(), version))

    def delete(self) -> None:
        self.client.delete(self.entity, self.project, self._saved())
        self.id = self.version = None


def list_reports(
    project: str, entity: str | None = None, search: str | None = None, *, client: ReportClient | None = None
) -> list[dict[str, Any]]:
    """The project's reports (id, title, status, owner, version, times), newest save first;
    ``search``: titles containing it, in any case."""
    client = client or ReportClient.from_settings()
    return client.list_reports(entity or client.viewer_entity(), project, search)
