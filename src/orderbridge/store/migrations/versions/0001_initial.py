"""The initial schema: integrations, settings, mappings, variant index, orders, timeline.

Written by hand to match ``orderbridge.store.tables``; a test compares the two. Types are
spelled out here (not imported from the tables) so this file keeps meaning what it meant.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _integration_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["integration_id"],
        ["integrations.id"],
        name=f"fk_{table}_integration_id_integrations",
        ondelete="CASCADE",
    )


def _keyed_table(table: str, key: str, *columns: sa.Column[Any]) -> None:
    """A table of (integration_id, key, ...) rows, unique per integration and key."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.UniqueConstraint("integration_id", key, name=f"uq_{table}_integration_id_{key}"),
        _integration_fk(table),
    )


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_integrations"),
        sa.UniqueConstraint("name", name="uq_integrations_name"),
    )
    _keyed_table(
        "integration_settings",
        "key",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
    )
    _keyed_table(
        "credentials",
        "connector",
        sa.Column("connector", sa.String(20), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
    )
    _keyed_table(
        "cursors",
        "name",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
    )
    _keyed_table(
        "sku_aliases",
        "channel_sku",
        sa.Column("channel_sku", sa.String(255), nullable=False),
        sa.Column("warehouse_sku", sa.String(255), nullable=False),
    )
    _keyed_table(
        "ship_method_map",
        "channel_code",
        sa.Column("channel_code", sa.String(100), nullable=False),
        sa.Column("warehouse_value", sa.String(255), nullable=False),
    )
    _keyed_table(
        "buyers",
        "buyer_key",
        sa.Column("buyer_key", sa.String(255), nullable=False),
        sa.Column("warehouse_company_id", sa.String(64), nullable=False),
        sa.Column("warehouse_address_id", sa.String(64), nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
    )
    _create_warehouse_variants()
    _create_inventory_levels()
    _create_order_tables()
    _create_shipment_tables()
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("resolved_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        _integration_fk("alerts"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_alerts_order_id_orders", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_alerts_order_id", "alerts", ["order_id"])
    op.create_index(
        "ix_alerts_integration_id_resolved_at", "alerts", ["integration_id", "resolved_at"]
    )


def _create_warehouse_variants() -> None:
    op.create_table(
        "warehouse_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.String(255), nullable=True),
        sa.Column("name", sa.String(500), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("record", _json(), nullable=False),
        sa.Column("remote_updated_at", sa.String(40), nullable=True),
        sa.Column("seen_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_warehouse_variants"),
        sa.UniqueConstraint(
            "integration_id", "variant_id", name="uq_warehouse_variants_integration_id_variant_id"
        ),
        _integration_fk("warehouse_variants"),
    )
    op.create_index(
        "ix_warehouse_variants_integration_id_sku", "warehouse_variants", ["integration_id", "sku"]
    )


def _create_inventory_levels() -> None:
    _keyed_table(
        "inventory_levels",
        "sku",
        sa.Column("sku", sa.String(255), nullable=False),
        sa.Column("warehouse_sku", sa.String(255), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("pushed_at", _timestamp(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("error_at", _timestamp(), nullable=True),
        sa.Column("not_listed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("without_variant", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
    )


def _create_order_tables() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("channel_order_id", sa.String(100), nullable=False),
        sa.Column("cust_ref", sa.String(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("hold_reason_code", sa.String(40), nullable=True),
        sa.Column("hold_reason", sa.Text(), nullable=True),
        sa.Column("held_from_status", sa.String(20), nullable=True),
        sa.Column("canonical", _json(), nullable=True),
        sa.Column("channel_payload", _json(), nullable=False),
        sa.Column("channel_status", sa.String(40), nullable=True),
        sa.Column("order_date", _timestamp(), nullable=True),
        sa.Column("warehouse_order_id", sa.String(64), nullable=True),
        sa.Column("warehouse_payload", _json(), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("delivery_state", sa.String(20), server_default="idle", nullable=False),
        sa.Column("delivery_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", _timestamp(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("cancel_state", sa.String(20), nullable=True),
        sa.Column("cancel_requested_at", _timestamp(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint(
            "integration_id", "channel_order_id", name="uq_orders_integration_id_channel_order_id"
        ),
        sa.UniqueConstraint("integration_id", "cust_ref", name="uq_orders_integration_id_cust_ref"),
        _integration_fk("orders"),
    )
    op.create_index(
        "ix_orders_integration_id_status_id", "orders", ["integration_id", "status", "id"]
    )
    op.create_index(
        "ix_orders_integration_id_warehouse_order_id",
        "orders",
        ["integration_id", "warehouse_order_id"],
    )
    op.create_index(
        "ix_orders_integration_id_cancel_state", "orders", ["integration_id", "cancel_state"]
    )
    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("at", _timestamp(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_order_events"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_events_order_id_orders", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_order_events_order_id_id", "order_events", ["order_id", "id"])
    op.create_table(
        "cust_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("cust_ref", sa.String(64), nullable=False),
        sa.Column("channel_order_id", sa.String(100), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cust_refs"),
        sa.UniqueConstraint(
            "integration_id", "cust_ref", name="uq_cust_refs_integration_id_cust_ref"
        ),
        sa.UniqueConstraint(
            "integration_id",
            "channel_order_id",
            name="uq_cust_refs_integration_id_channel_order_id",
        ),
        _integration_fk("cust_refs"),
    )


def _create_shipment_tables() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("fulfillment_id", sa.String(64), nullable=False),
        sa.Column("warehouse_order_id", sa.String(64), nullable=False),
        sa.Column("carrier", sa.String(255), nullable=True),
        sa.Column("service", sa.String(255), nullable=True),
        sa.Column("tracking_number", sa.String(255), nullable=True),
        sa.Column("tracking_url", sa.Text(), nullable=True),
        sa.Column("shipped_at", _timestamp(), nullable=True),
        sa.Column("lines", _json(), nullable=False),
        sa.Column("remote_updated_at", sa.String(40), nullable=True),
        sa.Column("recorded_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shipments"),
        sa.UniqueConstraint(
            "integration_id", "fulfillment_id", name="uq_shipments_integration_id_fulfillment_id"
        ),
        _integration_fk("shipments"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_shipments_order_id_orders", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_shipments_order_id_id", "shipments", ["order_id", "id"])
    _keyed_table(
        "carrier_map",
        "carrier_key",
        sa.Column("carrier_key", sa.String(255), nullable=False),
        sa.Column("carrier_name", sa.String(255), nullable=False),
        sa.Column("channel_code", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "shipments",
        "carrier_map",
        "alerts",
        "inventory_levels",
        "warehouse_variants",
        "cust_refs",
        "order_events",
        "orders",
        "buyers",
        "ship_method_map",
        "sku_aliases",
        "cursors",
        "credentials",
        "integration_settings",
        "integrations",
    ):
        op.drop_table(table)
