"""Migration 0007 (the scheme tables): upgrade, downgrade (new statuses mapped back) and upgrade again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from assistant.storage.db import make_engine
from assistant.storage.migrate import alembic_config, current_revision, head_revision, pending_changes

TABLES = {"scheme_decisions", "handling_items", "handling_replies", "citizen_feedback", "member_notices",
          "idea_merits", "annual_selections"}


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    cfg = alembic_config(engine)
    try:
        command.upgrade(cfg, "0007")
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO ideas (id, receipt_no, raw_text, source, status, created_at, updated_at) "
                              "VALUES (1, 'BX-2026-000001', '建议增设公交站', 'web', 'handling', "
                              "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO idea_status_changes (idea_id, from_status, to_status, created_at) "
                              "VALUES (1, 'routed', 'handling', '2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO handling_items (idea_id, unit, level, deadline, status, created_at) "
                              "VALUES (1, '广州市交通运输局', 'normal', '2026-03-01', 'open', '2026-01-01 00:00:00')"))
        command.downgrade(cfg, "0006")
        assert current_revision(engine) == "0006"
        assert TABLES.isdisjoint(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT status FROM ideas")).scalar() == "routed"
            assert conn.execute(text("SELECT to_status FROM idea_status_changes")).scalar() == "routed"
        command.upgrade(cfg, "head")
        assert current_revision(engine) == head_revision() and pending_changes(engine) == []
    finally:
        engine.dispose()
