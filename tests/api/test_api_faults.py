"""Faults: a write error (disk full) or a read-only database answer 503 in Chinese and store nothing half-way,
and the retry with the same idempotency key stores exactly one idea; a hanging model endpoint costs one time-out,
then the breaker answers offline; /healthz reports a read-only database, an emptied vector store and a dead
model endpoint, and ``baixing index`` repairs the store."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from api.app import create_app
from assistant.settings import LLMSettings
from tests.api.helpers import idea_body, make_container
from tests.fakes.openai_server import FakeOpenAIServer, slow


def _count(container: Any, sql: str) -> int:
    with container.database.session() as s:
        return int(s.execute(text(sql)).scalar_one())


def test_disk_full_during_a_submission_stores_nothing_and_the_retry_stores_one(
    client: TestClient, api_container: Any
) -> None:
    engine = api_container.database.engine
    failing = {"on": True}

    def disk_full(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if failing["on"] and statement.startswith("INSERT INTO draft_versions"):  # late in the transaction
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(engine, "before_cursor_execute", disk_full)
    try:
        before = _count(api_container, "SELECT count(*) FROM ideas")
        refused = client.post("/api/v1/ideas", json=idea_body("disk-full-key-1"))
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert "没有保存" in refused.json()["error"]["message"]
        assert _count(api_container, "SELECT count(*) FROM ideas") == before, "nothing half-stored"
        assert _count(api_container, "SELECT coalesce(max(last_value), 0) FROM receipt_counters") == 0
        failing["on"] = False
        retried = client.post("/api/v1/ideas", json=idea_body("disk-full-key-1"))
        again = client.post("/api/v1/ideas", json=idea_body("disk-full-key-1"))
        assert retried.status_code == 201 and again.status_code == 200
        assert retried.json()["receipt"] == again.json()["receipt"] == "BX-" + retried.json()["receipt"][3:]
        assert _count(api_container, "SELECT count(*) FROM ideas WHERE idempotency_key = 'disk-full-key-1'") == 1
    finally:
        event.remove(engine, "before_cursor_execute", disk_full)


def test_read_only_database_answers_503_and_health_says_why(api_data_dir: Path, mini_corpus: Path) -> None:
    writable = make_container(api_data_dir, mini_corpus)  # creates the accounts, migrates
    assert writable.citizen_workflow is not None  # first start seeds the unit catalogue into the database
    writable.database.dispose()
    from assistant.settings import DatabaseSettings

    url = f"sqlite:///file:{api_data_dir / 'baixing.db'}?mode=ro&uri=true"
    from assistant.container import Container

    settings = writable.settings.model_copy(update={"database": DatabaseSettings(url=url)})
    container = Container(settings)
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        refused = client.post("/api/v1/ideas", json=idea_body("read-only-key-1"))
        assert refused.status_code == 503 and "没有保存" in refused.json()["error"]["message"]
        health = client.get("/healthz?fresh=true")
        assert health.status_code == 503
        database = next(c for c in health.json()["checks"] if c["name"] == "数据库")
        assert database["status"] == "error" and "不可写" in database["detail"]
        lookup = client.get("/api/v1/ideas/BX-2026-000001", headers={"X-Phone": "13912345678"})
        assert lookup.status_code == 404, "reading still works"


def test_hanging_model_costs_one_time_out_then_the_breaker_answers_offline(
    api_data_dir: Path, mini_corpus: Path, openai_server: FakeOpenAIServer
) -> None:
    llm = LLMSettings(mode="openai", base_url=openai_server.base_url, timeout_s=1.0, max_retries=0)
    container = make_container(api_data_dir, mini_corpus)
    container.settings.llm = llm
    openai_server.enqueue(*[slow(30.0) for _ in range(10)])
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        bodies = [client.post("/api/v1/ideas", json=idea_body(f"hang-key-{i:04d}")) for i in range(3)]
    assert [b.status_code for b in bodies] == [201, 201, 201]
    assert len(openai_server.chat_requests()) == 1, "one time-out opens the breaker; later calls skip the endpoint"
    assert container.llm_runner.breaker.is_open
    health = container.health()
    model = next(c for c in health.checks if c.name == "大模型服务")
    assert model.status in ("warning", "error")


def test_health_reports_an_emptied_vector_store_and_index_repairs_it(api_container: Any) -> None:
    assert api_container.health(llm=False).ok
    chroma = api_container.settings.chroma_path
    shutil.rmtree(chroma)
    from chromadb.api.client import SharedSystemClient

    from assistant.container import Container

    SharedSystemClient.clear_system_cache()  # as a new process would: chromadb caches open stores per path
    fresh = Container(api_container.settings)
    report = fresh.health(llm=False)
    vectors = next(c for c in report.checks if c.name == "向量库")
    assert not report.ok and vectors.status == "error" and "baixing index" in vectors.detail
    from baixing import main

    assert main(["index", "--quiet"], container=fresh) == 0
    SharedSystemClient.clear_system_cache()
    repaired = Container(api_container.settings).health(llm=False)
    assert repaired.ok, repaired.text_zh()
    assert next(c for c in repaired.checks if c.name == "向量库").data["vectors"] > 0


@pytest.mark.parametrize("mode", ["offline"])
def test_doctor_command_prints_each_check(api_container: Any, capsys: pytest.CaptureFixture[str], mode: str) -> None:
    from baixing import main

    assert main(["doctor"], container=api_container) == 0
    out = capsys.readouterr().out
    assert "数据库" in out and "向量库" in out and "大模型服务" in out and "一切正常" in out
