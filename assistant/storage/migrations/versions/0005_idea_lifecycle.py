"""The life of an idea: receipt numbers only on submission, idempotent submissions, "proposal" status.

- ``ideas.receipt_no`` becomes nullable: a citizen's unsubmitted draft has no receipt number yet, so the staff
  queue shows no gaps when citizens try several texts.
- ``ideas.idempotency_key`` (unique, nullable): a retried submission returns the same receipt.
- ``ideas.submitted_at``: when the idea was submitted (NULL for drafts).
- status ``accepted`` is renamed ``proposal`` (the idea became a proposal).
- ``ingest_batches.completed_at``: NULL while a file is being imported, so an interrupted import resumes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ideas") as batch:
        batch.alter_column("receipt_no", existing_type=sa.String(length=32), nullable=True)
        batch.add_column(sa.Column("idempotency_key", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(op.f("uq_ideas_idempotency_key"), ["idempotency_key"])
    for table, column in (("ideas", "status"), ("idea_status_changes", "from_status"),
                          ("idea_status_changes", "to_status")):
        op.execute(sa.text(f"UPDATE {table} SET {column} = 'proposal' WHERE {column} = 'accepted'"))
    op.execute(sa.text("UPDATE ideas SET submitted_at = created_at WHERE status <> 'draft'"))
    with op.batch_alter_table("ingest_batches") as batch:
        batch.add_column(sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE ingest_batches SET completed_at = created_at"))


def downgrade() -> None:
    for table, column in (("ideas", "status"), ("idea_status_changes", "from_status"),
                          ("idea_status_changes", "to_status")):
        op.execute(sa.text(f"UPDATE {table} SET {column} = 'accepted' WHERE {column} = 'proposal'"))
    with op.batch_alter_table("ingest_batches") as batch:
        batch.drop_column("completed_at")
    with op.batch_alter_table("ideas") as batch:
        batch.drop_constraint(op.f("uq_ideas_idempotency_key"), type_="unique")
        batch.drop_column("submitted_at")
        batch.drop_column("idempotency_key")
        batch.alter_column("receipt_no", existing_type=sa.String(length=32), nullable=False)
