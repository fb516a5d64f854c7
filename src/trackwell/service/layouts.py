"""Workspace layouts: each user's saved panels of a project (see ``schema.layout``).

A user who never saved one gets an empty, unsaved layout: the UI shows its automatic panels. Saving
replaces the whole document (the UI sends it debounced after each change); resetting deletes it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from trackwell.schema.errors import PayloadTooLarge
from trackwell.schema.layout import MAX_LAYOUT_BYTES, WorkspaceLayout, WorkspaceLayoutOut
from trackwell.store.base import Database, User


def layout_document(layout: WorkspaceLayout, field: str = "panels") -> dict[str, Any]:
    """The layout as the JSON document to store; ``PayloadTooLarge`` (naming ``field``) over the
    limit. The one size rule for every stored layout: a user's own and a saved view's."""
    document = layout.model_dump(mode="json")
    size = len(json.dumps(document, separators=(",", ":")).encode())
    if size > MAX_LAYOUT_BYTES:
        raise PayloadTooLarge(
            f"the layout is {size} bytes, more than the limit of {MAX_LAYOUT_BYTES} bytes",
            field=field,
            hint="remove panels (or reset the layout)",
        )
    return document


class LayoutService:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def get(self, user: User, entity: str, project: str) -> WorkspaceLayoutOut:
        with self._db.read() as conn:
            stored = self._db.layouts.get_layout(conn, user.id, entity, project)
        if stored is None:
            return WorkspaceLayoutOut(entity=entity, project=project, saved=False, layout=WorkspaceLayout())
        return WorkspaceLayoutOut(
            entity=entity,
            project=project,
            saved=True,
            updated_at=stored.updated_at,
            layout=WorkspaceLayout.model_validate(stored.document),
        )

    def put(self, user: User, entity: str, project: str, layout: WorkspaceLayout) -> WorkspaceLayoutOut:
        document = layout_document(layout)
        now = self._clock()
        with self._db.begin() as conn:
            self._db.layouts.put_layout(conn, user.id, entity, project, document, now)
        return WorkspaceLayoutOut(entity=entity, project=project, saved=True, updated_at=now, layout=layout)

    def reset(self, user: User, entity: str, project: str) -> None:
        with self._db.begin() as conn:
            self._db.layouts.delete_layout(conn, user.id, entity, project)
