"""API fixtures: a container over a private copy of the indexed mini data dir (offline engines), the FastAPI
app over it, accounts of each role, and the same on PostgreSQL when ``BAIXING_TEST_PG_URL`` is set."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import DatabaseSettings
from tests.api.helpers import make_container
from tests.fixtures.postgres import fresh_pg_database, require_pg_url


@pytest.fixture
def api_data_dir(tmp_path: Path, indexed_data_dir: Path) -> Path:
    """A private copy of the indexed data dir."""
    target = tmp_path / "var"
    shutil.copytree(indexed_data_dir, target)
    return target


@pytest.fixture
def api_container(api_data_dir: Path, mini_corpus: Path) -> Any:
    """A container on SQLite."""
    return make_container(api_data_dir, mini_corpus)


@pytest.fixture
def client(api_container: Any) -> Iterator[TestClient]:
    """A test client of the API app."""
    with TestClient(create_app(api_container), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_container(request: pytest.FixtureRequest, api_data_dir: Path, mini_corpus: Path) -> Iterator[Any]:
    """A container on SQLite, and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield make_container(api_data_dir, mini_corpus)
        return
    with fresh_pg_database(require_pg_url()) as url:
        container = make_container(api_data_dir, mini_corpus, database=DatabaseSettings(url=url))
        try:
            yield container
        finally:
            container.database.dispose()


