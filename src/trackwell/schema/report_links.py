"""Public read-only links of a report (docs/reports.md, "Sharing"): what the links routes answer.

The token appears in one answer only, :class:`ReportLinkCreated`, when the link is made (as an API
key does); lists show who made each link and when it was last used, never the token.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

LINK_HEADER = "X-Trackwell-Report-Link"  # how the public page presents the token on every API call
# ... and on GET requests a browser makes without headers (an <img>'s file URL); redacted from logs.
LINK_PARAMETER = "report_link"
PUBLIC_REPORT_PATH = "/public/reports/"  # the page a link opens: PUBLIC_REPORT_PATH + token


class ReportLinkOut(BaseModel):
    id: int
    created_by: str | None = Field(description="Who made it; null once their account is deleted.")
    created_at: float
    last_used: float | None = Field(description="When it was last presented (to the minute); null: never.")


class ReportLinkCreated(ReportLinkOut):
    """The only answer that carries the token: keep it now, the server stores only its hash."""

    token: str = Field(repr=False)
    path: str = Field(repr=False, description="The page to share: this server's address + path.")


class ReportLinkList(BaseModel):
    links: list[ReportLinkOut]
