"""Alert webhooks, rules and their deliveries (issue 16).

Mirrors ``trackwell.store.sql.alert_rules`` at this revision: per project its webhooks (the URL is a
secret, never shown back) and rules, which rule fired for which run (a threshold fires once per run),
and the outbox of deliveries the worker posts.

Revision ID: 0018_alert_rules
Revises: 0017_comments
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0018_alert_rules"
down_revision = "0017_comments"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "alert_webhooks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_webhooks"),
    )
    op.create_index("ix_alert_webhooks_entity_project", "alert_webhooks", ["entity", "project"])
    op.create_table(
        "alert_rules",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("metric_key", sa.Text(), nullable=True),
        sa.Column("op", sa.String(2), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("webhook_ids", Json, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_rules"),
    )
    op.create_index("ix_alert_rules_entity_project", "alert_rules", ["entity", "project"])
    op.create_table(
        "alert_rule_firings",
        sa.Column(
            "rule_id",
            Id,
            sa.ForeignKey(
                "alert_rules.id", name="fk_alert_rule_firings_rule_id_alert_rules", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "run_pk",
            Id,
            sa.ForeignKey("runs.id", name="fk_alert_rule_firings_run_pk_runs", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("rule_id", "run_pk", name="pk_alert_rule_firings"),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "webhook_id",
            Id,
            sa.ForeignKey(
                "alert_webhooks.id", name="fk_alert_deliveries_webhook_id_alert_webhooks", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "alert_id",
            Id,
            sa.ForeignKey(
                "run_alerts.id", name="fk_alert_deliveries_alert_id_run_alerts", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.Column("payload", Json, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("next_attempt_at", sa.Double(), nullable=True),
        sa.Column("lease_until", sa.Double(), nullable=True),
        sa.Column("delivered_at", sa.Double(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
    )
    op.create_index(
        "ix_alert_deliveries_status_next_attempt_at", "alert_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_alert_deliveries_webhook_id_created_at", "alert_deliveries", ["webhook_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_alert_deliveries_webhook_id_created_at", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_status_next_attempt_at", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_rule_firings")
    op.drop_index("ix_alert_rules_entity_project", table_name="alert_rules")
    op.drop_table("alert_rules")
    op.drop_index("ix_alert_webhooks_entity_project", table_name="alert_webhooks")
    op.drop_table("alert_webhooks")
