"""Security tests: database-backed pieces run on SQLite and, with ``BAIXING_TEST_PG_URL``, on PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from assistant.accounts import AccountService, UserSession
from assistant.settings import SecuritySettings
from assistant.storage.db import Database, open_database
from assistant.storage.enums import Role
from tests.fixtures.postgres import fresh_pg_database, require_pg_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
CJK = re.compile(r"[\u4e00-\u9fff]")


class FakeClock:
    """A settable aware-UTC clock (no sleeping in tests)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database migrated to head (SQLite file, or a fresh PostgreSQL database)."""
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'data' / 'baixing.db'}")
        try:
            yield database
        finally:
            database.dispose()
        return
    with fresh_pg_database(require_pg_url()) as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def security() -> SecuritySettings:
    return SecuritySettings()


@pytest.fixture
def accounts(db: Database, security: SecuritySettings, clock: FakeClock) -> AccountService:
    return AccountService(db, security, clock=clock)


@pytest.fixture
def staff(accounts: AccountService) -> UserSession:
    return accounts.create("gongzuo", "工作人员甲", Role.STAFF, "staff-pass-1")


def has_chinese(text: str) -> bool:
    """Whether a message is written for a Chinese reader."""
    return bool(CJK.search(text))


# Property-based tests: derandomised under CI (a run is reproducible), random on a developer's machine.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")
