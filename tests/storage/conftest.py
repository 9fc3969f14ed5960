"""Storage tests run on SQLite (a file under tmp_path) and on PostgreSQL (a fresh database per test)
when ``BAIXING_TEST_PG_URL`` is set; see ``tests/fixtures/postgres.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.storage.db import Database, open_database
from tests.fixtures.postgres import fresh_pg_database, require_pg_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no tables), removed after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'baixing.db'}"
        return
    with fresh_pg_database(require_pg_url()) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A database migrated to head."""
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.dispose()
