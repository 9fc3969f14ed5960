"""Draft versions: ``proposer_address`` and ``session_state`` (cultivation session) as real columns.

Before this revision the cultivation service stored the session state (round, answers, questions, notes,
member, backend/model/prompt version) and the proposer's address as JSON inside ``draft_versions.change_note``.
Upgrade moves that JSON into the new columns and leaves ``change_note`` with the human-readable note only
(NULL when there was none). Downgrade folds ``session_state`` (and the address of those rows) back into
``change_note`` in the old format, so the previous code keeps working; an address on a row without session
state is dropped on downgrade.

Columns are added and dropped with plain ALTER TABLE (SQLite ≥ 3.35 has DROP COLUMN), never with batch
"copy and move": on SQLite that would DROP TABLE draft_versions with foreign keys on, which cascades
into quality_reports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_KIND = "cultivation"
JSON_TYPE = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

versions = sa.table(
    "draft_versions",
    sa.column("id", sa.Integer()),
    sa.column("change_note", sa.Text()),
    sa.column("proposer_address", sa.String(300)),
    sa.column("session_state", JSON_TYPE),
)


def upgrade() -> None:
    op.add_column("draft_versions", sa.Column("proposer_address", sa.String(length=300), nullable=True))
    op.add_column("draft_versions", sa.Column("session_state", JSON_TYPE, nullable=True))

    bind = op.get_bind()
    rows = bind.execute(sa.select(versions.c.id, versions.c.change_note).where(versions.c.change_note.like("{%"))).all()
    for row_id, note in rows:
        legacy = _legacy(note)
        if legacy is None:
            continue
        address = str(legacy.pop("address", "") or "") or None
        human = str(legacy.pop("note", "") or "") or None
        legacy.pop("kind", None)
        bind.execute(
            sa.update(versions)
            .where(versions.c.id == row_id)
            .values(proposer_address=address, session_state=legacy, change_note=human)
        )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(versions.c.id, versions.c.change_note, versions.c.proposer_address, versions.c.session_state).where(
            versions.c.session_state.is_not(None)
        )
    ).all()
    for row_id, note, address, state in rows:
        legacy = {"kind": LEGACY_KIND, **(state or {}), "address": address or "", "note": note or ""}
        bind.execute(
            sa.update(versions)
            .where(versions.c.id == row_id)
            .values(change_note=json.dumps(legacy, ensure_ascii=False))
        )

    op.drop_column("draft_versions", "session_state")
    op.drop_column("draft_versions", "proposer_address")


def _legacy(note: str | None) -> dict[str, Any] | None:
    """The old session JSON of a change note, or None for a human-readable note."""
    try:
        data = json.loads(note or "")
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) and data.get("kind") == LEGACY_KIND else None
