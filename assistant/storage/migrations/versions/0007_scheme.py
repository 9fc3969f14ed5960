"""The scheme after submission: grades, handling and replies, citizen feedback, member notices, annual selection.

- ``scheme_decisions``: decisions about an idea kept as history (grade 线索分级, consent to be named, 精品 mark);
- ``handling_items``: handling assignments (交办/督办) with a unit, a deadline, a supervision level and a status;
- ``handling_replies``: the handling units' replies (entered on a page or imported from a file);
- ``citizen_feedback``: the citizen's satisfaction (满意 / 基本满意 / 不满意) with a comment;
- ``member_notices``: in-app notices for the members who cultivated an idea;
- ``idea_merits`` and ``annual_selections``: 办理成果 / 社会效应 inputs and the year's 50 excellent 百姓提案.
The idea statuses ``handling`` and ``replied`` need no DDL (statuses are stored as text).

Another migration numbered 0007 may exist on a parallel branch; the lead re-chains them when merging.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f(f"fk_{table}_created_by_users"),
                                   ondelete="SET NULL")


def _idea_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name=op.f(f"fk_{table}_idea_id_ideas"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "annual_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("details", JSON_TYPE, nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("annual_selections"),
        _idea_fk("annual_selections"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_selections")),
        sa.UniqueConstraint("year", "idea_id", name=op.f("uq_annual_selections_year_idea_id")),
    )
    op.create_index(op.f("ix_annual_selections_year"), "annual_selections", ["year"], unique=False)

    op.create_table(
        "handling_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("supervisor", sa.String(length=100), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        _user_fk("handling_items"),
        _idea_fk("handling_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handling_items")),
    )
    op.create_index(op.f("ix_handling_items_idea_id"), "handling_items", ["idea_id"], unique=False)
    op.create_index(op.f("ix_handling_items_status_deadline"), "handling_items", ["status", "deadline"], unique=False)

    op.create_table(
        "idea_merits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Float(), nullable=True),
        sa.Column("social", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("idea_merits"),
        _idea_fk("idea_merits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_merits")),
    )
    op.create_index(op.f("ix_idea_merits_year_idea_id"), "idea_merits", ["year", "idea_id"], unique=False)

    op.create_table(
        "member_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        _idea_fk("member_notices"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_member_notices_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_notices")),
    )
    op.create_index(op.f("ix_member_notices_user_id_read_at"), "member_notices", ["user_id", "read_at"], unique=False)

    op.create_table(
        "scheme_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", JSON_TYPE, nullable=False),
        sa.Column("auto", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("scheme_decisions"),
        _idea_fk("scheme_decisions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_decisions")),
    )
    op.create_index(op.f("ix_scheme_decisions_idea_id_kind"), "scheme_decisions", ["idea_id", "kind"], unique=False)

    op.create_table(
        "handling_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("replied_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["ingest_batches.id"],
                                name=op.f("fk_handling_replies_batch_id_ingest_batches"), ondelete="SET NULL"),
        _user_fk("handling_replies"),
        _idea_fk("handling_replies"),
        sa.ForeignKeyConstraint(["item_id"], ["handling_items.id"],
                                name=op.f("fk_handling_replies_item_id_handling_items"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handling_replies")),
    )
    op.create_index(op.f("ix_handling_replies_idea_id"), "handling_replies", ["idea_id"], unique=False)

    op.create_table(
        "citizen_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _idea_fk("citizen_feedback"),
        sa.ForeignKeyConstraint(["reply_id"], ["handling_replies.id"],
                                name=op.f("fk_citizen_feedback_reply_id_handling_replies"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_feedback")),
    )
    op.create_index(op.f("ix_citizen_feedback_idea_id"), "citizen_feedback", ["idea_id"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("citizen_feedback", ["ix_citizen_feedback_idea_id"]),
        ("handling_replies", ["ix_handling_replies_idea_id"]),
        ("scheme_decisions", ["ix_scheme_decisions_idea_id_kind"]),
        ("member_notices", ["ix_member_notices_user_id_read_at"]),
        ("idea_merits", ["ix_idea_merits_year_idea_id"]),
        ("handling_items", ["ix_handling_items_status_deadline", "ix_handling_items_idea_id"]),
        ("annual_selections", ["ix_annual_selections_year"]),
    ):
        for index in indexes:
            op.drop_index(op.f(index), table_name=table)
        op.drop_table(table)
    # Statuses the older code does not know go back to "routed" (the history of those moves is lost on downgrade).
    op.execute(sa.text("UPDATE ideas SET status = 'routed' WHERE status IN ('handling', 'replied')"))
    for column in ("from_status", "to_status"):
        op.execute(sa.text(f"UPDATE idea_status_changes SET {column} = 'routed' "
                           f"WHERE {column} IN ('handling', 'replied')"))
