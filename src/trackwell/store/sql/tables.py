"""Tables of the metadata store (users, keys, entities, projects, runs and what hangs off a run).

They attach to the shared ``metadata`` so Alembic sees the whole schema; the migration scripts in
``trackwell/store/migrations/versions`` must create exactly these (a test checks for drift).

Conventions, chosen so that both SQLite and PostgreSQL behave the same:

* times are floats, seconds since the epoch (what the wire schema carries; no time-zone handling);
* free-form documents (config, summary, metadata, tags, ...) are JSON, stored as JSONB on
  PostgreSQL so filters on ``config.<path>`` run inside the database;
* children of a run reference its integer primary key with ``ON DELETE CASCADE``, so deleting a
  run removes its sessions, file index and console output in the same statement.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB

from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.text_type import NulSafeText

# SQLite only auto-increments INTEGER PRIMARY KEY columns; PostgreSQL gets BIGINT for growth.
Id = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")


NAME_LEN = 128
RUN_ID_LEN = 128  # wandb allows long run ids (schema/names.py); migration 0007
SHA256_LEN = 64


def _run_fk() -> Column[int]:
    return Column("run_pk", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False)


entities = Table(
    "entities",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(NAME_LEN), nullable=False, unique=True),
    Column("created_at", Double, nullable=False),
    # "user": a person's personal entity; "team": a team (also any entity runs created before an
    # account of that name existed). Migration 0012.
    Column("kind", String(8), nullable=False, server_default="team"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(NAME_LEN), nullable=False, unique=True),
    # A person's personal entity; a service account's team (where its runs log by default).
    Column("entity_id", Id, ForeignKey("entities.id"), nullable=False),
    Column("is_admin", Boolean, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("email", String(320), nullable=True),
    Column("display_name", String(256), nullable=True),
    Column("password_hash", String(255), nullable=True),  # argon2; None: SSO or API keys only
    Column("sso_subject", String(512), nullable=True),  # "<issuer>|<sub>"
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("kind", String(8), nullable=False, server_default="user"),  # "user" | "service"
    # Unique indexes rather than constraints: migration 0012 adds them without rebuilding the table.
    Index("ix_users_email", "email", unique=True),
    Index("ix_users_sso_subject", "sso_subject", unique=True),
)

# A user's role in an entity: "admin", "member" or "viewer" (docs/adr/0003).
memberships = Table(
    "memberships",
    metadata,
    Column("entity_id", Id, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(8), nullable=False),
    Column("created_at", Double, nullable=False),
    PrimaryKeyConstraint("entity_id", "user_id", name="pk_memberships"),
    Index("ix_memberships_user_id", "user_id"),
)

# Signed-out sessions and redeemed one-time links, until they would have expired anyway.
auth_nonces = Table(
    "auth_nonces",
    metadata,
    Column("nonce", String(64), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("expires_at", Double, nullable=False),
    PrimaryKeyConstraint("nonce", name="pk_auth_nonces"),
    Index("ix_auth_nonces_expires_at", "expires_at"),
)

# Token buckets (sign-in attempts per IP and per account), shared by every server process.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", String(300), nullable=False),
    Column("tokens", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    PrimaryKeyConstraint("bucket", name="pk_rate_limits"),
)

# Security events: sign-ins, key creation and revocation, role changes, deletions.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Double, nullable=False),
    Column("actor", String(NAME_LEN), nullable=True),
    Column("action", String(64), nullable=False),
    Column("target", String(512), nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("ip", String(64), nullable=True),
    Column("detail", Json, nullable=True),
    Index("ix_audit_events_at", "at"),
)

# Only a hash of each key is kept: a leaked database does not leak credentials.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("key_hash", String(SHA256_LEN), nullable=False, unique=True),
    Column("name", String(NAME_LEN), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("last_used_at", Double, nullable=True),
    Column("revoked_at", Double, nullable=True),
    Column("key_prefix", String(16), nullable=True),  # shown in key lists; never the whole key
)

projects = Table(
    "projects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entity_id", Id, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(NAME_LEN), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("visibility", String(8), nullable=False, server_default="team"),  # private | team | public
    UniqueConstraint("entity_id", "name", name="uq_projects_entity_id_name"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", String(RUN_ID_LEN), nullable=False),
    Column("display_name", String(NAME_LEN * 2), nullable=False),
    Column("state", String(16), nullable=False),
    # "group" is an SQL keyword; the column gets a plain name, the API keeps "group".
    Column("group_name", String(NAME_LEN * 2), nullable=True),
    Column("job_type", String(NAME_LEN), nullable=True),
    Column("tags", Json, nullable=False),
    Column("notes", NulSafeText, nullable=True),
    Column("config", Json, nullable=False),
    Column("summary", Json, nullable=False),
    Column("metadata", Json, nullable=False),
    Column("metric_definitions", Json, nullable=False),
    Column("host", String(255), nullable=True),
    Column("program", NulSafeText, nullable=True),
    Column("sweep_id", String(NAME_LEN), nullable=True),
    Column("owner_id", Id, nullable=True),  # the user who created it; no FK (migration 0012)
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Column("heartbeat_at", Double, nullable=True),
    Column("finished_at", Double, nullable=True),
    Column("runtime", Double, nullable=False),
    Column("exit_code", Integer, nullable=True),
    Column("error", Json, nullable=True),
    Column("last_step", BigInteger, nullable=True),
    Column("history_count", BigInteger, nullable=False),
    # Config and summary keys written back through the Api, with their bases (service/run_edits.py).
    Column("edits", Json, nullable=True),
    # When the run was archived (hidden from lists, charts and counts; restorable); None: not (0019).
    Column("archived_at", Double, nullable=True),
    UniqueConstraint("project_id", "run_id", name="uq_runs_project_id_run_id"),
    # The runs table's default view: a project's runs, newest first.
    Index("ix_runs_project_created", "project_id", "created_at"),
    # The same view without archived runs (the default): ``archived_at IS NULL`` is an index
    # condition on this column, so the list and its count skip archived runs inside the index (0019).
    Index("ix_runs_project_archived_created", "project_id", "archived_at", "created_at"),
    # The crash sweeper: running runs by heartbeat age.
    Index("ix_runs_state_heartbeat", "state", "heartbeat_at"),
)

# Per (run, writer session): the highest record seq applied; what makes batch retries idempotent.
run_sessions = Table(
    "run_sessions",
    metadata,
    _run_fk(),
    Column("session_id", String(NAME_LEN), nullable=False),
    Column("applied_through", BigInteger, nullable=False),
    Column("updated_at", Double, nullable=False),
    PrimaryKeyConstraint("run_pk", "session_id"),
)

run_files = Table(
    "run_files",
    metadata,
    _run_fk(),
    Column("path", String(1024), nullable=False),
    Column("sha256", String(SHA256_LEN), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("updated_at", Double, nullable=False),
    PrimaryKeyConstraint("run_pk", "path"),
    Index("ix_run_files_sha256", "sha256"),  # blob reads: which runs hold these bytes (0015)
)

output_lines = Table(
    "output_lines",
    metadata,
    _run_fk(),
    Column("line", BigInteger, nullable=False),
    Column("stream", String(8), nullable=False),
    Column("timestamp", Double, nullable=False),
    Column("text", NulSafeText, nullable=False),
    PrimaryKeyConstraint("run_pk", "line"),
)

METADATA_TABLES = (entities, users, api_keys, projects, runs, run_sessions, run_files, output_lines)
