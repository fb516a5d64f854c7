"""Users, teams and roles (issue 14, docs/adr/0003): the tables the one authorization rule reads.

* ``users`` gain an email, a display name, a password hash (argon2; none for SSO-only and API-only
  users), an SSO subject (``<issuer>|<sub>``), ``disabled``, and ``kind``: ``user`` or ``service``
  (a team's service account: a user row whose ``entity_id`` is its team, so its runs log there).
* ``entities`` gain ``kind``: ``user`` (a person's personal entity) or ``team``. Entities that runs
  created before any account existed (no user of that name) become teams.
* ``memberships``: a user's role (``admin``, ``member``, ``viewer``) in an entity. Every existing user
  is admin of their personal entity.
* ``projects`` gain ``visibility``: ``private``, ``team`` or ``public``; existing projects of a personal
  entity are ``private`` and of a team ``team`` (ADR 0003's defaults).
* ``api_keys`` gain ``key_prefix`` (the first characters of the key, shown in key lists so a user can
  tell keys apart; the rest of the key is never stored).
* ``runs`` gain ``owner_id``: the user who created the run (no foreign key; see below).
* ``auth_nonces``: signed-out sessions and redeemed one-time links, so that several server processes
  agree on them (today they are remembered per process).
* ``rate_limits``: token buckets for sign-in attempts per IP and per account, shared by processes.
* ``audit_events``: security events (sign-ins, key creation/revocation, role changes, deletions).

Mirrors ``trackwell.store.sql.tables`` at this revision.

Revision ID: 0012_identity
Revises: 0011_saved_views
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0012_identity"
down_revision = "0011_saved_views"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    # Columns added in place and uniqueness by unique indexes, never a rebuilt ``users`` table: on
    # SQLite a rebuild drops the old table, and with foreign keys on that deletes every row that
    # cascades from it (all API keys and saved layouts; saved views lose their owner).
    op.add_column("users", sa.Column("email", sa.String(320), nullable=True))
    op.add_column("users", sa.Column("display_name", sa.String(256), nullable=True))
    op.add_column("users", sa.Column("password_hash", sa.String(255), nullable=True))
    op.add_column("users", sa.Column("sso_subject", sa.String(512), nullable=True))
    op.add_column("users", sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("kind", sa.String(8), nullable=False, server_default="user"))
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.create_index("ix_users_sso_subject", "users", ["sso_subject"], unique=True)
    with op.batch_alter_table("entities") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="team"))
    op.execute("UPDATE entities SET kind = 'user' WHERE id IN (SELECT entity_id FROM users)")
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("visibility", sa.String(8), nullable=False, server_default="team"))
    op.execute(
        "UPDATE projects SET visibility = 'private' "
        "WHERE entity_id IN (SELECT id FROM entities WHERE kind = 'user')"
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("key_prefix", sa.String(16), nullable=True))
    # Who created a run (members delete their own runs; deleting others' needs entity admin). No
    # foreign key: SQLite then adds the column in place instead of copying the runs table.
    op.add_column("runs", sa.Column("owner_id", Id, nullable=True))
    op.create_table(
        "memberships",
        sa.Column(
            "entity_id",
            Id,
            sa.ForeignKey("entities.id", name="fk_memberships_entity_id_entities", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id",
            Id,
            sa.ForeignKey("users.id", name="fk_memberships_user_id_users", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", "user_id", name="pk_memberships"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.execute(
        "INSERT INTO memberships (entity_id, user_id, role, created_at) "
        "SELECT entity_id, id, 'admin', created_at FROM users"
    )
    op.create_table(
        "auth_nonces",
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name="pk_auth_nonces"),
    )
    op.create_index("ix_auth_nonces_expires_at", "auth_nonces", ["expires_at"])
    op.create_table(
        "rate_limits",
        sa.Column("bucket", sa.String(300), nullable=False),
        sa.Column("tokens", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name="pk_rate_limits"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(512), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("detail", Json, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("rate_limits")
    op.drop_index("ix_auth_nonces_expires_at", table_name="auth_nonces")
    op.drop_table("auth_nonces")
    op.drop_index("ix_memberships_user_id", table_name="memberships")
    op.drop_table("memberships")
    # Every column dropped in place (SQLite 3.35+ drops columns itself), for the reason upgrade()
    # gives: rebuilding entities, projects or runs would cascade-delete everything below them.
    op.drop_column("runs", "owner_id")
    op.drop_column("api_keys", "key_prefix")
    op.drop_column("projects", "visibility")
    op.drop_column("entities", "kind")
    op.drop_index("ix_users_sso_subject", table_name="users")
    op.drop_index("ix_users_email", table_name="users")
    for column in ("kind", "disabled", "sso_subject", "password_hash", "display_name", "email"):
        op.drop_column("users", column)
