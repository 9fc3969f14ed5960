"""Evaluation runs as a product: readable run keys, usage, per-case groups, reasons and float latencies.

``eval_runs`` gains ``run_key`` (the readable id also used for the run's JSON file, unique) and ``usage``
(tokens, model calls, wall time). ``eval_case_results`` gains ``group_name`` (split or mode of the suite: the same
case id appears once per group, so the unique key becomes run + group + case) and ``reason``; ``latency_ms``
becomes a float (offline cases take well under a millisecond).

Only ``eval_case_results`` is rebuilt by batch mode on SQLite; nothing references it, so no cascade can fire.
Downgrade folds a non-empty group into the case id (``group/case``) so the old unique key still holds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

cases = sa.table(
    "eval_case_results",
    sa.column("id", sa.Integer()),
    sa.column("group_name", sa.String(128)),
    sa.column("case_id", sa.String(128)),
)


def upgrade() -> None:
    op.add_column("eval_runs", sa.Column("run_key", sa.String(length=128), nullable=True))
    op.add_column("eval_runs", sa.Column("usage", JSON_TYPE, nullable=True))
    op.create_index(op.f("ix_eval_runs_run_key"), "eval_runs", ["run_key"], unique=True)

    with op.batch_alter_table("eval_case_results") as batch:
        batch.add_column(sa.Column("group_name", sa.String(length=128), server_default="", nullable=False))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.alter_column("latency_ms", existing_type=sa.Integer(), type_=sa.Float(), existing_nullable=True)
        batch.drop_constraint("uq_eval_case_results_run_id_case_id", type_="unique")
        batch.create_unique_constraint(
            "uq_eval_case_results_run_id_group_name_case_id", ["run_id", "group_name", "case_id"]
        )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.group_name, cases.c.case_id).where(cases.c.group_name != "")
    ).all()
    for row_id, group, case_id in rows:
        folded = f"{group}/{case_id}"[:128]
        bind.execute(sa.update(cases).where(cases.c.id == row_id).values(case_id=folded))

    with op.batch_alter_table("eval_case_results") as batch:
        batch.drop_constraint("uq_eval_case_results_run_id_group_name_case_id", type_="unique")
        batch.create_unique_constraint("uq_eval_case_results_run_id_case_id", ["run_id", "case_id"])
        batch.alter_column(
            "latency_ms",
            existing_type=sa.Float(),
            type_=sa.Integer(),
            existing_nullable=True,
            postgresql_using="round(latency_ms)::integer",
        )
        batch.drop_column("reason")
        batch.drop_column("group_name")

    op.drop_index(op.f("ix_eval_runs_run_key"), table_name="eval_runs")
    op.drop_column("eval_runs", "usage")
    op.drop_column("eval_runs", "run_key")
