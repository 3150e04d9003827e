"""Job leases: one row per (integration, job) naming the process that runs it, until when.

Two ``orderbridge sync`` processes on one store both ran every job and sent the same orders
twice; a lease in the database lets only one of them run a job at a time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(50), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("integration_id", "job", name="pk_job_leases"),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name="fk_job_leases_integration_id_integrations",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
