"""``baixing screen``: single text and JSONL batch through the handler, with a stub container."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest

from assistant.screening.cli import main
from assistant.screening.engine import OfflineScreener
from assistant.screening.service import ScreeningService
from assistant.settings import Settings
from tests.screening.conftest import CANONICAL, MIXED

KEYS = ["id", "in_scope", "category", "confidence", "reason", "redirect", "reframe"]


@pytest.fixture
def container(screener: OfflineScreener) -> SimpleNamespace:
    return SimpleNamespace(screening_service=ScreeningService(screener))


def run_batch(container: SimpleNamespace, lines: list[str], monkeypatch: pytest.MonkeyPatch, capsys) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["screen", "--jsonl"], container=container) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_batch_writes_exactly_the_documented_fields(container, monkeypatch, capsys) -> None:
    lines = [
        json.dumps({"id": "a", "text": MIXED}, ensure_ascii=False),
        json.dumps({"id": 7, "text": CANONICAL["信访"][0]}, ensure_ascii=False),
    ]
    out = run_batch(container, lines, monkeypatch, capsys)
    assert [list(r) for r in out] == [KEYS, KEYS]
    assert out[0]["id"] == "a" and out[0]["in_scope"] is True and out[0]["redirect"] is None
    assert out[1]["id"] == 7 and out[1]["category"] == "信访"
    assert out[1]["redirect"].startswith("信访部门：") and 0.5 <= out[1]["confidence"] <= 1


def test_bad_lines_get_error_records_and_the_batch_goes_on(container, monkeypatch, capsys) -> None:
    lines = [
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "ok", "text": CANONICAL["举报"][0]}, ensure_ascii=False),
    ]
    out = run_batch(container, lines, monkeypatch, capsys)
    assert [r.get("line") for r in out[:4]] == [1, 2, 3, 4]
    assert all("error" in r for r in out[:4])
    assert out[1]["id"] == "no-text" and out[3]["id"] == "blank"
    assert out[4]["id"] == "ok" and out[4]["category"] == "举报"


def test_unexpected_errors_become_error_records(monkeypatch, capsys) -> None:
    class Exploding:
        def screen(self, text: str, offline_only: bool = False):
            raise RuntimeError("boom")

    container = SimpleNamespace(screening_service=Exploding())
    out = run_batch(container, [json.dumps({"id": 1, "text": "建议增加夜班公交线路"})], monkeypatch, capsys)
    assert out == [{"id": 1, "line": 1, "error": "筛查这一条时发生意外错误，已记录日志。"}]


def test_single_text_prints_verdict_channel_and_reframe(container, capsys) -> None:
    assert main(["screen", CANONICAL["民事纠纷"][0]], container=container) == 0
    out = capsys.readouterr().out
    assert "不属于“百姓提案”工作范围——民事纠纷" in out and "人民调解委员会" in out


def test_single_text_json_has_both_verdicts(container, capsys) -> None:
    assert main(["screen", "--json", MIXED], container=container) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"]["in_scope"] and data["verdict"]["warning"]
    assert data["offline_verdict"]["backend"] == "offline"


def test_missing_text_is_a_usage_error(container, capsys) -> None:
    assert main(["screen"], container=container) == 2
    assert "请提供要筛查的文字" in capsys.readouterr().err


def test_too_short_text_is_a_readable_error(container, capsys) -> None:
    assert main(["screen", "你好"], container=container) == 2
    assert "内容太短" in capsys.readouterr().err


def test_container_without_the_attribute_builds_the_service(settings: Settings, capsys) -> None:
    assert main(["screen", CANONICAL["行政复议"][0]], container=SimpleNamespace(settings=settings)) == 0
    assert "行政复议机关" in capsys.readouterr().out
