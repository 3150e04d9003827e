"""Named outbound effects: which call an order's progress columns are about.

``delivery_state`` / ``delivery_attempts`` served four calls (the QBC delivery, the void, the
Houzz tracking post and the Houzz cancel), told apart only by the order's status. They become
``outbound_state`` / ``outbound_attempts`` beside a new ``outbound_effect`` naming the call,
and ``outbound_request`` keeps what a Houzz call in flight sends again (the tracking request
used to be read back from the timeline).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EFFECT_OF_EXISTING_ROWS = """
UPDATE orders SET outbound_effect = CASE
    WHEN outbound_state = 'in_flight' AND cancel_state = 'voided_in_qbc' THEN 'channel_cancel'
    WHEN status IN ('shipped', 'confirmed') OR held_from_status = 'shipped'
        THEN 'shipment_confirmation'
    WHEN warehouse_order_id IS NOT NULL AND cancel_state IS NOT NULL
         AND (status IN ('at_wms', 'canceled') OR held_from_status = 'at_wms') THEN 'void'
    WHEN warehouse_order_id IS NOT NULL OR outbound_state <> 'idle' OR outbound_attempts > 0
        THEN 'delivery'
    ELSE NULL
END
"""


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("delivery_state", new_column_name="outbound_state",
                           existing_type=sa.String(20), existing_server_default="idle",
                           existing_nullable=False)
        batch.alter_column("delivery_attempts", new_column_name="outbound_attempts",
                           existing_type=sa.Integer(), existing_server_default=sa.text("0"),
                           existing_nullable=False)
        batch.add_column(sa.Column("outbound_effect", sa.String(30), nullable=True))
        batch.add_column(sa.Column("outbound_request", _json(), nullable=True))
    op.execute(_EFFECT_OF_EXISTING_ROWS)
    _requests_in_flight_from_the_timeline()


def _requests_in_flight_from_the_timeline() -> None:
    """Tracking posts in flight kept their request on the timeline ('confirming' events)."""
    connection = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer()), sa.column("status", sa.String()),
                      sa.column("outbound_state", sa.String()),
                      sa.column("outbound_request", _json()))
    events = sa.table("order_events", sa.column("id", sa.Integer()),
                      sa.column("order_id", sa.Integer()), sa.column("kind", sa.String()),
                      sa.column("data", _json()))
    in_flight = connection.execute(sa.select(orders.c.id).where(
        orders.c.status == "shipped", orders.c.outbound_state == "in_flight")).scalars().all()
    for order_id in in_flight:
        data = connection.execute(sa.select(events.c.data).where(
            events.c.order_id == order_id, events.c.kind == "confirming")
            .order_by(events.c.id.desc()).limit(1)).scalar()
        request = data.get("request") if isinstance(data, dict) else None
        if request:
            connection.execute(orders.update().where(orders.c.id == order_id)
                               .values(outbound_request=request))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("outbound_request")
        batch.drop_column("outbound_effect")
        batch.alter_column("outbound_attempts", new_column_name="delivery_attempts",
                           existing_type=sa.Integer(), existing_server_default=sa.text("0"),
                           existing_nullable=False)
        batch.alter_column("outbound_state", new_column_name="delivery_state",
                           existing_type=sa.String(20), existing_server_default="idle",
                           existing_nullable=False)
