"""Schema set-up: migrations to head, ORM/migration parity, engine settings, typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from assistant.errors import BaixingError, ConfigError
from assistant.storage.db import init_db, make_engine, open_database
from assistant.storage.errors import DatabaseUnavailableError, UnsupportedDatabaseError
from assistant.storage.migrate import current_revision, head_revision, pending_changes
from assistant.storage.orm import Base

EXPECTED_TABLES = {
    "users",
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
