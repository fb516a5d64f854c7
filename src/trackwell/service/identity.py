"""Users, teams, roles and keys behind the ``/api/v1`` identity routes (issue 14, docs/adr/0003),
one object per responsibility:

* ``users``  (:mod:`~trackwell.service.identity_users`): ``/viewer``, account management;
* ``keys``   (:mod:`~trackwell.service.identity_keys`): a user's API keys;
* ``teams``  (:mod:`~trackwell.service.identity_teams`): teams, roles, service accounts;
* ``invites`` (:mod:`~trackwell.service.identity_invites`): one-time invite links;
* the audit log and storage usage, for server admins (here).

Every check is :mod:`trackwell.service.access`'s; every security event goes to the audit log.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from trackwell.schema.identity import AuditEventOut, ProjectUsageOut
from trackwell.service.access import Action, ProjectRef, authorize
from trackwell.service.audit import AuditLog
from trackwell.service.auth import AuthService
from trackwell.service.identity_common import Caller
from trackwell.service.identity_invites import Invites, Signer
from trackwell.service.identity_keys import KeyAdmin
from trackwell.service.identity_teams import TeamAdmin
from trackwell.service.identity_users import PasswordHasher, UserAdmin
from trackwell.store.base import Database


class IdentityService:
    def __init__(
        self,
        db: Database,
        auth: AuthService,
        audit: AuditLog,
        signer: Signer,
        *,
        passwords: PasswordHasher | None = None,
        allow_team_creation: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._audit = audit
        self.users = UserAdmin(db, auth, audit, passwords, clock)
        self.keys = KeyAdmin(db, auth, audit, clock)
        self.teams = TeamAdmin(db, auth, audit, allow_team_creation=allow_team_creation, clock=clock)
        self.invites = Invites(db, signer, audit, clock)

    def audit_events(
        self, caller: Caller, *, limit: int, before_id: int | None, action: str | None
    ) -> list[AuditEventOut]:
        authorize(caller.principal, Action.SERVER_ADMIN, ProjectRef(caller.user.entity))
        return [
            AuditEventOut(
                id=e.id,
                at=e.at,
                actor=e.actor,
                action=e.action,
                target=e.target,
                outcome=e.outcome,
                ip=e.ip,
                detail=e.detail,
            )
            for e in self._audit.events(limit=limit, before_id=before_id, action=action)
        ]

    def storage(self, caller: Caller) -> list[ProjectUsageOut]:
        authorize(caller.principal, Action.SERVER_ADMIN, ProjectRef(caller.user.entity))
        with self._db.read() as conn:
            usage = self._db.users.storage_usage(conn)
        return [
            ProjectUsageOut(
                entity=u.entity,
                project=u.project,
                runs=u.runs,
                files_bytes=u.files_bytes,
                artifacts_bytes=u.artifacts_bytes,
                history_rows=u.history_rows,
            )
            for u in usage
        ]
