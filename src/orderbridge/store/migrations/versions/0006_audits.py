"""Audits: what a merchant asked to have checked, and what the check found.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                     nullable=True)


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        _when("since"),
        _when("requested_at"),
        sa.Column("requested_by", sa.String(100), nullable=False),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
        _json("planned"),
        _json("spent"),
        _json("checked"),
        _json("discrepancies"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audits"),
        sa.ForeignKeyConstraint(["integration_id"], ["integrations.id"],
                                name="fk_audits_integration_id_integrations",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_audits_integration_id", "audits", ["integration_id"])


def downgrade() -> None:
    op.drop_table("audits")
