"""Comments on reports and runs, with ``@username`` mentions, and the mention inbox (issue 16).

A comment is Markdown text (rendered by the UI as a markdown note is: raw HTML shown as text) of at
most ``MAX_COMMENT_CHARS`` characters. Replies are one level deep: a reply to a reply joins the
thread of the comment it answers. A create may carry a ``client_id`` the client generated, so a
retried POST answers the comment the first one made instead of posting it twice.

Mentions are found by ``mention_names`` (the one rule; ``tests/cases/mentions.json`` holds its
cases, which the UI's highlighting runs too) and resolved by the server to users who may read the
project; each resolved mention becomes a notification in that user's inbox.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_COMMENT_CHARS = 8_000
MAX_MENTIONS = 20  # per comment: more is a broadcast, not a mention
CLIENT_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
MAX_ID = 2**63 - 1  # ids are 64-bit integers in the database (PostgreSQL BIGINT)

# "@" not preceded by a letter, digit, "_", ".", "-" or "@" (so "ada@example.com" mentions
# nobody), then a username (service/usernames.py): letters, digits, "_", "-", "." not ending with
# "-" or ".", so the full stop of "thanks @ada." is not part of the name; and no letter right after
# it ("@josé" is no mention of "jos"). ``\w`` is Unicode here; the UI's copy says ``\p{L}\p{N}_``.
MENTION = re.compile(r"(?<![\w.@-])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?!\w)")
_MAX_USERNAME = 64


def mention_names(text: str) -> list[str]:
    """The usernames ``text`` mentions, each once, in order of first mention."""
    found: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1)
        if len(name) <= _MAX_USERNAME and name not in found:
            found.append(name)
    return found


TargetKind = Literal["report", "run"]
ClientId = Annotated[
    str,
    Field(
        pattern=CLIENT_ID_PATTERN,
        description="A random id the client makes once per comment (e.g. a UUID): a retried POST "
        "with it answers the comment already made.",
    ),
]


def _check_text(text: str) -> str:
    if not text.strip():
        raise ValueError("the comment is empty; write something")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValueError(
            f"the comment is {len(text)} characters, more than the limit of {MAX_COMMENT_CHARS}; "
            "shorten it or split it into two comments"
        )
    return text


# The limit is checked by _check_text, with a message that says how long the text is (as a markdown
# note's is: schema/layout.py); the schema states it for clients.
CommentText = Annotated[
    str,
    AfterValidator(_check_text),
    Field(json_schema_extra={"maxLength": MAX_COMMENT_CHARS, "minLength": 1}, description="Markdown."),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommentCreate(_Strict):
    text: CommentText
    parent_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The comment this one replies to."
    )
    client_id: ClientId | None = None


class CommentEdit(_Strict):
    text: CommentText


class CommentOut(BaseModel):
    id: int
    entity: str
    project: str
    target_kind: TargetKind
    target_id: str
    parent_id: int | None = Field(description="The thread's first comment; null for a first comment.")
    author: str | None = Field(description="Null once the author's account is deleted.")
    text: str
    created_at: float
    edited_at: float | None
    mentions: list[str] = Field(description="The mentioned users who were notified.")
    can_edit: bool = Field(description="Whether the caller may edit it (its author).")
    can_delete: bool = Field(description="Whether the caller may delete it (its author, an admin).")


class CommentList(BaseModel):
    comments: list[CommentOut] = Field(description="Oldest first; replies carry their thread's id.")
    can_comment: bool = Field(description="Whether the caller may comment and reply (members, admins).")


class CommentSaved(BaseModel):
    """A created or edited comment, and the mentions that notified nobody."""

    comment: CommentOut
    not_notified: list[str] = Field(
        default_factory=list,
        description="Mentioned names that are no user who may read the project: nobody was told.",
    )
    hint: str | None = None


class MentionableUser(BaseModel):
    username: str
    display_name: str | None


class MentionableUsers(BaseModel):
    users: list[MentionableUser]


class NotificationOut(BaseModel):
    id: int
    kind: Literal["mention"] = "mention"
    created_at: float
    read: bool
    author: str | None = Field(description="Who mentioned you.")
    entity: str
    project: str
    target_kind: TargetKind
    target_id: str
    comment_id: int
    excerpt: str = Field(description="The comment's first characters.")
    link: str = Field(
        description="The UI's path to the comment, e.g. '/lab/mnist/runs/r1?tab=comments#comment-7'."
    )


class NotificationList(BaseModel):
    notifications: list[NotificationOut] = Field(description="Unread first, then newest first.")
    unread: int


class NotificationsRead(_Strict):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        default=None, max_length=1000, description="The notifications to mark read; null: all of them."
    )
