"""``baixing screen`` and ``baixing route``: single texts and JSONL batches through the handlers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.container import Container
from assistant.review import IdeaReviewService
from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from assistant.settings import test_settings
from baixing import main
from tests.screening.conftest import CANONICAL, MIXED
from tests.support import review_service

SCREEN_KEYS = ["id", "in_scope", "category", "confidence", "reason", "redirect", "reframe"]
IDEA = "老旧小区没有电梯，老人上下楼太难，建议加大加装电梯补贴并简化审批。"


class Exploding(IdeaReviewService):
    def __init__(self) -> None:
        pass

    def review(self, text: str, **kwargs: object):  # type: ignore[override]
        raise RuntimeError("boom")


@pytest.fixture
def container(tmp_path: Path, screener: OfflineScreener, router: OfflineRouter) -> Container:
    """A composition root whose review task runs over the shared offline engines."""
    root = Container(test_settings(tmp_path / "var"))
    root.__dict__["review_service"] = review_service(screener, router)
    return root


def run_batch(container: Container, command: str, lines: list[str], monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main([command, "--jsonl"], container=container) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_screen_batch_writes_exactly_the_documented_fields(container, monkeypatch, capsys) -> None:
    lines = [json.dumps({"id": "a", "text": MIXED}, ensure_ascii=False),
             json.dumps({"id": 7, "text": CANONICAL["信访"][0]}, ensure_ascii=False)]
    out = run_batch(container, "screen", lines, monkeypatch, capsys)
    assert [list(r) for r in out] == [SCREEN_KEYS, SCREEN_KEYS]
    assert out[0]["id"] == "a" and out[0]["in_scope"] is True and out[0]["redirect"] is None
    assert out[1]["id"] == 7 and out[1]["category"] == "信访"
    assert out[1]["redirect"].startswith("信访部门：") and 0.5 <= out[1]["confidence"] <= 1


def test_bad_lines_get_error_records_and_the_batch_goes_on(container, monkeypatch, capsys) -> None:
    lines = ["{not json", json.dumps({"id": "no-text"}), json.dumps(["a", "list"]),
             json.dumps({"id": "blank", "text": "   "}), json.dumps({"id": "ok", "text": CANONICAL["举报"][0]},
                                                                  ensure_ascii=False)]
    out = run_batch(container, "screen", lines, monkeypatch, capsys)
    assert [r.get("line") for r in out[:4]] == [1, 2, 3, 4]
    assert all("error" in r for r in out[:4])
    assert out[1]["id"] == "no-text" and out[3]["id"] == "blank"
    assert out[4]["id"] == "ok" and out[4]["category"] == "举报"


def test_unexpected_errors_become_error_records(tmp_path: Path, monkeypatch, capsys) -> None:
    root = Container(test_settings(tmp_path / "var"))
    root.__dict__["review_service"] = Exploding()
    out = run_batch(root, "screen", [json.dumps({"id": 1, "text": "建议增加夜班公交线路"})], monkeypatch, capsys)
    assert out == [{"id": 1, "line": 1, "error": "筛查这一条时发生意外错误，已记录日志。"}]


def test_screen_single_text_prints_verdict_and_channel(container, capsys) -> None:
    assert main(["screen", CANONICAL["民事纠纷"][0]], container=container) == 0
    out = capsys.readouterr().out
    assert "不属于“百姓提案”工作范围——民事纠纷" in out and "人民调解委员会" in out


def test_screen_json_has_both_verdicts_and_the_run(container, capsys) -> None:
    assert main(["screen", "--json", MIXED], container=container) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"]["verdict"]["in_scope"] and data["value"]["verdict"]["warning"]
    assert data["offline"]["verdict"]["backend"] == "offline" and data["run"]["task"] == "idea_review"


def test_missing_or_too_short_text_is_a_readable_error(container, capsys) -> None:
    assert main(["screen"], container=container) == 2
    assert "请提供要筛查的文字" in capsys.readouterr().err
    assert main(["screen", "你好"], container=container) == 2
    assert "内容太短" in capsys.readouterr().err
    assert main(["route", "修路"], container=container) == 2
    assert "内容太短" in capsys.readouterr().err


def test_route_batch_keys_and_error_records(container, router: OfflineRouter, monkeypatch, capsys) -> None:
    lines = [json.dumps({"id": "a", "text": IDEA}, ensure_ascii=False), "not json", json.dumps({"id": "c"}),
             json.dumps({"id": "d", "text": ""})]
    out = run_batch(container, "route", lines, monkeypatch, capsys)
    assert list(out[0]) == ["id", "domain", "units", "committee", "channel", "abstain", "linkage"]
    assert out[0]["linkage"] in (None, "national", "provincial", "city")
    assert list(out[0]["units"][0]) == ["name", "role", "score", "reason"]
    assert out[0]["units"][0]["name"] in router.catalogue.unit_names()
    assert [r.get("line") for r in out[1:]] == [2, 3, 4] and all("error" in r for r in out[1:])


def test_route_routes_an_out_of_scope_text_too(container, capsys) -> None:
    assert main(["route", CANONICAL["投诉"][0]], container=container) == 0
    assert "[主办]" in capsys.readouterr().out


def test_screen_from_the_environment_needs_no_stand_in(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BAIXING_DATA_DIR", str(tmp_path / "env-var"))
    assert main(["screen", CANONICAL["行政复议"][0]]) == 0
    assert "行政复议机关" in capsys.readouterr().out
