"""The same composition root on the scale-out engines: a real PostgreSQL server and a real Chroma server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.container import Container
from assistant.settings import ChromaSettings, DatabaseSettings, test_settings
from tests.fixtures.chroma_server import running_chroma_server
from tests.fixtures.postgres import fresh_pg_database, require_pg_url

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server, pytest.mark.slow]


@pytest.fixture
def scaled_container(tmp_path: Path, mini_corpus: Path) -> Iterator[Container]:
    server_dir = tmp_path / "chroma-server"
    server_dir.mkdir()
    with fresh_pg_database(require_pg_url()) as pg_url, running_chroma_server(server_dir) as (host, port):
        settings = test_settings(
            tmp_path / "var",
            corpus_dir=mini_corpus,
            database=DatabaseSettings(url=pg_url),
            chroma=ChromaSettings(mode="http", server=f"{host}:{port}"),
        )
        container = Container(settings)
        yield container
        container.database.dispose()


def test_index_search_and_ingest_on_postgres_and_chroma_server(scaled_container: Container, tmp_path: Path) -> None:
    container = scaled_container
    assert container.settings.database_url.startswith("postgresql")
    report = container.ensure_index(progress=False)
    assert report.documents == container.document_store.count() > 1500
    assert not (tmp_path / "var" / "chroma").exists(), "vectors live on the server, not in an embedded store"

    hits = container.search_service.search("百姓提案的标准格式", k=5, mode="dense")
    assert hits and all(h.doc_id for h in hits)
    policy_hits = container.search_service.search("百姓提案工作范围", k=3)
    assert any("百姓提案" in h.title for h in policy_hits)

    archive = tmp_path / "ideas.jsonl"
    record = {"id": "s1", "title": "城中村消防通道被占用", "text": "城中村巷道狭窄，消防通道常被杂物和电动车占用。"}
    archive.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    ingest = container.ingest_service.ingest_file(archive, "items")
    assert ingest.added_or_changed == 1 and ingest.index_synced
    top = container.search_service.search("城中村消防通道被堵", k=1)
    assert top[0].doc_id == "item-s1"

    again = Container(container.settings).ensure_index(progress=False)
    assert (again.added, again.changed, again.removed) == (0, 0, 0), "a second process finds everything in place"
