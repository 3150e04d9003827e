"""QuickBooks Commerce webhooks: the subscriptions the hub registered and the deliveries QBC
made.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _integration_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["integration_id"], ["integrations.id"],
                                   name=f"fk_{table}_integration_id_integrations",
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "qbc_webhook_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("remote_id", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        _when("registered_at"),
        _when("checked_at", nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qbc_webhook_subscriptions"),
        _integration_fk("qbc_webhook_subscriptions"),
        sa.UniqueConstraint("integration_id", "event",
                            name="uq_qbc_webhook_subscriptions_integration_id_event"),
    )
    op.create_table(
        "qbc_webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(100), nullable=False),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        _when("received_at"),
        _when("processed_at", nullable=True),
        sa.Column("outcome", sa.String(300), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qbc_webhook_deliveries"),
        _integration_fk("qbc_webhook_deliveries"),
        sa.UniqueConstraint("integration_id", "delivery_id",
                            name="uq_qbc_webhook_deliveries_integration_id_delivery_id"),
    )
    op.create_index("ix_qbc_webhook_deliveries_integration_id_processed_at",
                    "qbc_webhook_deliveries", ["integration_id", "processed_at"])


def downgrade() -> None:
    op.drop_table("qbc_webhook_deliveries")
    op.drop_table("qbc_webhook_subscriptions")
