"""Personal information (个人信息保护法): the citizen's consent with the notice they agreed to, and when their
contact details were erased (retention period over, or at their request).

- ``ideas.consent_at`` / ``ideas.consent_notice``: when the citizen agreed, and the version of the notice shown.
- ``ideas.contact_erased_at``: set when the name, phone, occupation and address were erased from the idea and
  its draft versions; the idea's text stays for the record.

Plain ADD/DROP COLUMN (nullable columns; no table copy on SQLite).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ideas", sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("ideas", sa.Column("consent_notice", sa.String(length=16), nullable=True))
    op.add_column("ideas", sa.Column("contact_erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_ideas_submitted_at"), "ideas", ["submitted_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ideas_submitted_at"), table_name="ideas")
    op.drop_column("ideas", "contact_erased_at")
    op.drop_column("ideas", "consent_notice")
    op.drop_column("ideas", "consent_at")
