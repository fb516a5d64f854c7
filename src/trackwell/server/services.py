"""The services of one server process: built once, when the app starts, and held on ``app.state``.

This is the one place that builds them; routes never build, cache or look up services themselves.
A route takes ``services: ServicesDep`` (:mod:`trackwell.server.deps`) and calls
``services.<name>.<method>(...)``. To add a service: a field on :class:`Services`, one line in
:func:`build_services` (and in :meth:`Services.close` when it holds resources), then use it from
the routes as above.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from trackwell.server.settings import ServerSettings
from trackwell.service.alert_config import AlertConfigService
from trackwell.service.alert_rules import AlertRules
from trackwell.service.artifacts import ArtifactService
from trackwell.service.audit import AuditLog
from trackwell.service.auth import AuthService
from trackwell.service.blob_transfers import BlobTransferService
from trackwell.service.comments import CommentService
from trackwell.service.files import FileService
from trackwell.service.history import HistoryService
from trackwell.service.identity import IdentityService
from trackwell.service.importance import ImportanceService
from trackwell.service.layouts import LayoutService
from trackwell.service.oidc import OidcClient
from trackwell.service.oidc_accounts import OidcAccounts
from trackwell.service.passwords import PasswordService
from trackwell.service.project_access import ProjectAccess
from trackwell.service.records import RecordService
from trackwell.service.report_export import ReportExporter
from trackwell.service.report_links import ReportLinkService
from trackwell.service.reports import ReportService
from trackwell.service.run_bulk import RunBulkService
from trackwell.service.runs import RunService
from trackwell.service.signin_guard import SignInGuard
from trackwell.service.sweeps import SweepService
from trackwell.service.tables import TableService
from trackwell.service.ui_session import SessionService, load_or_create_secret
from trackwell.service.views import ViewService
from trackwell.service.wandb_wire.protocol import WandbProtocol
from trackwell.service.workspace import WorkspaceService
from trackwell.store.base import BlobStore, Database
from trackwell.store.blobs.registry import open_blob_store
from trackwell.store.sql.database import open_database
from trackwell.store.tables.duckdb_store import DuckDBTableStore


@dataclass(frozen=True)
class Services:
    """Everything one server process shares between requests."""

    settings: ServerSettings
    db: Database
    blobs: BlobStore
    runs: RunService
    records: RecordService
    history: HistoryService
    files: FileService
    auth: AuthService
    tables: TableService
    sessions: SessionService  # the web UI's sign-in cookies
    layouts: LayoutService
    workspace: WorkspaceService
    artifacts: ArtifactService
    transfers: BlobTransferService  # blob uploads in parts, missing digests, download URLs
    sweeps: SweepService  # the sweep controller: leases, heartbeats, states
    importance: ImportanceService  # parameter importance (random forest) for the UI's panels
    views: ViewService  # saved views: named workspace layouts shared in a project
    reports: ReportService  # reports: versioned research memos with panel grids (issue 16)
    report_export: ReportExporter  # a report as one static HTML file or a PDF (charts as images)
    report_links: ReportLinkService  # public read-only links of reports, and who presents one
    comments: CommentService  # comments on reports and runs, mentions, the inbox (issue 16)
    alert_rules: AlertRules  # alert rules and webhooks, evaluated as records arrive (issue 16)
    alert_config: AlertConfigService  # the alerts page: feed, webhooks, rules, delivery log
    run_bulk: RunBulkService  # many runs tagged, moved, archived or deleted at once, audited
    audit: AuditLog  # security events (sign-ins, keys, roles, deletions): service/audit.py
    identity: IdentityService  # users, teams, roles, keys, invites: service/identity.py
    wandb: WandbProtocol  # the official wandb client's protocol (docs/wandb-client.md)
    passwords: PasswordService  # password policy, Argon2 hashes, password sign-in
    signin_guard: SignInGuard  # sign-in rate limits (per IP, per account) and their audit events
    oidc: OidcClient | None  # single sign-on, when settings.signin configures a provider
    oidc_accounts: OidcAccounts | None  # the account an SSO identity signs in (made on first use)

    def close(self) -> None:
        """Release what the services hold, in reverse order of :func:`build_services`."""
        try:
            self.tables.close()
        finally:
            self.db.close()


def build_services(settings: ServerSettings) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(settings.resolved_database_url)
    try:
        blobs = open_blob_store(settings.resolved_blob_url)
        files = FileService(db, blobs)
        auth = AuthService(db)
        secret = load_or_create_secret(settings.data_dir)
        sessions = SessionService(db, auth, secret)
        runs = RunService(db)
        alert_rules = AlertRules(db)
        records = RecordService(db, blobs, alert_rules=alert_rules)
        sweeps = SweepService(
            db, lease_seconds=settings.sweep_lease_seconds, heartbeat_seconds=settings.sweep_heartbeat_seconds
        )
        audit = AuditLog(db)
        artifacts = ArtifactService(db, blobs, protected_aliases=settings.protected_aliases)
        passwords = PasswordService(db)
        oidc_config = settings.signin.oidc()
        return Services(
            settings=settings,
            db=db,
            blobs=blobs,
            runs=runs,
            records=records,
            history=HistoryService(db),
            files=files,
            auth=auth,
            # One DuckDB instance per process; its columnar copies live in <data_dir>/cache/tables.
            tables=TableService(files, DuckDBTableStore(settings.data_dir / "cache" / "tables")),
            sessions=sessions,
            layouts=LayoutService(db),
            workspace=WorkspaceService(db),
            artifacts=artifacts,
            transfers=BlobTransferService(
                blobs, part_size=settings.upload_part_size, url_expiry=settings.blob_url_expiry
            ),
            importance=ImportanceService(db),
            views=ViewService(db, access=ProjectAccess(db, auth.principal)),
            reports=ReportService(db, access=ProjectAccess(db, auth.principal)),
            report_export=ReportExporter(db, files, ProjectAccess(db, auth.principal), artifacts),
            report_links=ReportLinkService(db, access=ProjectAccess(db, auth.principal), audit=audit),
            comments=CommentService(db, ProjectAccess(db, auth.principal), auth.principal),
            alert_rules=alert_rules,
            alert_config=AlertConfigService(db, alert_rules, ProjectAccess(db, auth.principal)),
            run_bulk=RunBulkService(db, audit),
            audit=audit,
            identity=IdentityService(
                db,
                auth,
                audit,
                sessions,
                passwords=passwords,
                allow_team_creation=settings.allow_team_creation,
            ),
            wandb=WandbProtocol(
                db, runs, records, files, HistoryService(db), sweeps, secret, artifacts=artifacts, blobs=blobs
            ),
            passwords=passwords,
            signin_guard=SignInGuard(db, audit),
            oidc=None if oidc_config is None else OidcClient(oidc_config, sessions, db),
            oidc_accounts=None if oidc_config is None else OidcAccounts(db, oidc_config, audit),
            sweeps=sweeps,
        )
    except BaseException:
        db.close()
        raise


def services_of(connection: HTTPConnection) -> Services:
    """The services of the app serving this request (see :data:`trackwell.server.deps.ServicesDep`)."""
    services: Services = connection.app.state.services
    return services
