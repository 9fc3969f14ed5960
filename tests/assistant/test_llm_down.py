"""With the LLM endpoint down or hanging, every LLM-backed command still answers, marked as fallback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from baixing import main
from tests.fakes.openai_server import FakeOpenAIServer, slow


@pytest.fixture
def llm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAIXING_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("BAIXING_LLM__MODE", "openai")
    monkeypatch.setenv("BAIXING_LLM__MAX_RETRIES", "0")
    monkeypatch.setenv("BAIXING_LLM__TIMEOUT_S", "1")


def test_screen_falls_back_when_the_endpoint_refuses(
    llm_env: None, refused_base_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BAIXING_LLM__BASE_URL", refused_base_url)
    assert main(["screen", "建议在城中村多设几个长者饭堂，方便老人吃饭", "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    verdict = outcome["value"]["verdict"]
    assert verdict["backend"] == "offline (fallback)" and outcome["run"]["fallback_code"] == "connection"
    assert "无法连接" in verdict["fallback"]
    assert verdict["in_scope"] is True


def test_batch_against_a_hanging_endpoint_trips_the_breaker(
    llm_env: None, openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BAIXING_LLM__BASE_URL", openai_server.base_url)
    openai_server.enqueue(*[slow(5.0) for _ in range(10)])
    lines = [json.dumps({"id": i, "text": "我家楼下的烧烤店天天营业到凌晨，吵得睡不着，我要投诉"}) for i in range(8)]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["screen", "--jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == list(range(8))
    assert all(r["in_scope"] is False and r["category"] == "投诉" for r in records)
    assert len(openai_server.chat_requests()) == 1, "one time-out opens the breaker; the other seven skip the endpoint"
