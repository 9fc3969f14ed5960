"""Schema set-up: migrations to head, ORM/migration parity, engine settings, typed errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, text

from assistant.errors import BaixingError, ConfigError
from assistant.storage.db import init_db, make_engine, open_database
from assistant.storage.errors import DatabaseUnavailableError, UnsupportedDatabaseError
from assistant.storage.migrate import alembic_config, current_revision, head_revision, pending_changes
from assistant.storage.orm import Base

EXPECTED_TABLES = {
    "users",
    "catalogue_entries",
    "ideas",
    "idea_status_changes",
    "receipt_counters",
    "screening_results",
    "routing_results",
    "drafts",
    "draft_ideas",
    "draft_versions",
    "quality_reports",
    "assistant_audit",
    "llm_calls",
    "eval_runs",
    "eval_case_results",
    "documents",
    "ingest_batches",
    "ingest_rows",
    "auth_sessions",
    "login_throttle",
    "security_events",
    "scheme_decisions",
    "handling_items",
    "handling_replies",
    "citizen_feedback",
    "member_notices",
    "idea_merits",
    "annual_selections",
}


def test_empty_database_migrates_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) == set()

        init_db(engine)

        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES | {"alembic_version"}
        assert set(Base.metadata.tables) == EXPECTED_TABLES
    finally:
        engine.dispose()


def test_init_db_is_idempotent(db_url: str) -> None:
    init_db(db_url)
    init_db(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_orm_metadata_matches_migrations(db_url: str) -> None:
    """No pending autogenerate diff: every model change has a migration."""
    engine = make_engine(db_url)
    try:
        init_db(engine)
        assert pending_changes(engine) == []
    finally:
        engine.dispose()


def test_document_indexes_exist(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        init_db(engine)
        indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("documents")}
        assert {("kind",), ("year",), ("region",)} <= indexed
    finally:
        engine.dispose()


def test_sqlite_pragmas_and_data_dir(tmp_path: Path) -> None:
    db_file = tmp_path / "nested" / "dir" / "baixing.db"
    db = open_database(f"sqlite:///{db_file}")
    try:
        assert db_file.is_file()
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        db.dispose()


def test_unsupported_url_is_a_typed_error() -> None:
    with pytest.raises(UnsupportedDatabaseError) as info:
        make_engine("mysql://user:pw@localhost/db")
    assert isinstance(info.value, ConfigError)
    assert "SQLite" in info.value.user_message
    assert "mysql" in info.value.cause


def test_unreachable_postgres_is_a_typed_error() -> None:
    # Port 1 on localhost: nothing listens there, so the connection is refused at once.
    with pytest.raises(DatabaseUnavailableError) as info:
        open_database("postgresql+psycopg://someone:secret-pw@127.0.0.1:1/nothing")
    assert isinstance(info.value, BaixingError)
    assert info.value.user_message == "无法连接数据库，请检查数据库配置或稍后重试。"
    assert "127.0.0.1:1" in info.value.cause
    assert "secret-pw" not in info.value.cause


LEGACY_NOTE = {
    "kind": "cultivation",
    "round": 2,
    "answers": {"affected": "约200户居民"},
    "questions": [{"element": "evidence", "text": "有没有具体的数字？"}],
    "notes": ["已删除个人信息"],
    "address": "天河区某路1号",
    "member": "某委员",
    "backend": "offline",
    "model": None,
    "prompt_version": None,
    "note": "润色标题",
}


def _seed_0001(conn: sa.Connection) -> None:
    """A draft with a legacy session version, a plain version and a quality report, at revision 0001."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    json_list = sa.JSON(none_as_null=True)
    drafts = sa.table(
        "drafts",
        *(sa.column(c) for c in ("id", "status", "current_version")),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "draft_versions",
        *(sa.column(c) for c in ("id", "draft_id", "version_no", "title", "change_note")),
        *(sa.column(c, json_list) for c in ("analysis", "suggestions", "sources", "violations")),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    reports = sa.table(
        "quality_reports",
        sa.column("id"),
        sa.column("draft_version_id"),
        sa.column("checks", json_list),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    conn.execute(sa.insert(drafts).values(id=1, status="drafting", current_version=2, created_at=now, updated_at=now))
    empty = {"analysis": [], "suggestions": [], "sources": [], "violations": [], "created_at": now}
    conn.execute(
        sa.insert(versions),
        [
            {"id": 1, "draft_id": 1, "version_no": 1, "title": "关于A的“百姓提案”", "change_note": "初稿", **empty},
            {
                "id": 2,
                "draft_id": 1,
                "version_no": 2,
                "title": "关于B的“百姓提案”",
                "change_note": json.dumps(LEGACY_NOTE, ensure_ascii=False),
                **empty,
            },
        ],
    )
    conn.execute(sa.insert(reports).values(id=1, draft_version_id=2, checks=[], created_at=now))


def test_0002_moves_session_json_out_of_change_note_and_back(db_url: str) -> None:
    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    try:
        command.upgrade(cfg, "0001")
        with engine.begin() as conn:
            _seed_0001(conn)

        command.upgrade(cfg, "0002")
        columns = {c["name"] for c in inspect(engine).get_columns("draft_versions")}
        assert {"proposer_address", "session_state"} <= columns
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, change_note, proposer_address, session_state FROM draft_versions ORDER BY id")
            ).all()
        state = rows[1][3] if isinstance(rows[1][3], dict) else json.loads(rows[1][3])  # SQLite returns text
        assert rows[0][1:3] == ("初稿", None) and rows[0][3] is None
        assert rows[1][1:3] == ("润色标题", "天河区某路1号")
        expected = {k: v for k, v in LEGACY_NOTE.items() if k not in {"kind", "address", "note"}}
        assert state == expected

        command.downgrade(cfg, "0001")
        assert current_revision(engine) == "0001"
        columns = {c["name"] for c in inspect(engine).get_columns("draft_versions")}
        assert {"proposer_address", "session_state"}.isdisjoint(columns)
        with engine.connect() as conn:
            notes = conn.execute(text("SELECT change_note FROM draft_versions ORDER BY id")).scalars().all()
            # the downgrade must not copy-and-drop draft_versions (on SQLite that cascades into quality_reports)
            assert conn.execute(text("SELECT count(*) FROM quality_reports")).scalar() == 1
        assert notes[0] == "初稿"
        assert json.loads(notes[1]) == LEGACY_NOTE

        command.upgrade(cfg, "head")
        assert current_revision(engine) == head_revision()
        assert pending_changes(engine) == []
    finally:
        engine.dispose()
