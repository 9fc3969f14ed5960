"""The 评估 page: handlers refuse other roles and, for an evaluator, run, show, compare and rate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from openpyxl import load_workbook

from assistant.accounts import UserSession
from assistant.settings import REPO_ROOT
from assistant.storage.enums import Role
from assistant.storage.repositories import UserRepository
from ui.evaluator_page import build_evaluator_page


@pytest.fixture
def page(offline: Any) -> dict[str, Any]:
    """The page's handlers by name, built on an offline root."""
    with gr.Blocks() as app:
        build_evaluator_page(offline, gr.State(None))
    return {f.name: f.fn for f in app.fns.values()}


def _session(root: Any, role: Role) -> UserSession:
    with root.database.session() as s:
        user = UserRepository(s).create(f"u-{role}", "测试", role, "口令-12345678")
        return UserSession(user_id=user.id, username=user.username, display_name="测试", role=role)


def test_handlers_refuse_anyone_but_evaluators(page: dict[str, Any], offline: Any) -> None:
    with pytest.raises(gr.Error, match="请先以评估人员身份登录"):
        page["do_compare"](None, "a", "b")
    member = _session(offline, Role.MEMBER)
    with pytest.raises(gr.Error, match="仅限评估人员"):
        page["do_run"](member, "screening", "offline", "", "", None)
    with pytest.raises(gr.Error, match="请先上传"):
        page["do_rate"](_session(offline, Role.EVALUATOR), [], 10, False, "rubric")


def test_run_show_compare_and_rate(page: dict[str, Any], offline: Any, small_screening: Path, tmp_path: Path) -> None:
    who = _session(offline, Role.EVALUATOR)
    first = page["do_run"](who, "screening", "offline", "", "", str(small_screening))
    assert first[0].startswith("评测完成") and Path(first[-1]).is_file()
    assert first[1]["value"][0][0] == "small" and first[1]["headers"][0] == "分组"
    assert [u["visible"] for u in first[2:6]] == [True, True, True, True]
    page["do_run"](who, "screening", "offline", "", "", str(small_screening))

    choices = page["do_refresh"](who)["choices"]
    ids = [value for _label, value in choices]
    assert len(ids) == 2
    with offline.database.session() as s:
        from assistant.storage.repositories.evals import EvalRepository

        assert {r.created_by for r in EvalRepository(s).list_runs()} == {who.user_id}
    shown = page["do_show"](who, ids[0])
    assert "已载入运行" in shown[0] and ids[0] in shown[0] and Path(shown[-1]).is_file()
    a_choices, b_choices = page["do_compare_refresh"](who)
    assert a_choices["choices"] == b_choices["choices"] == choices

    text, deltas, flips = page["do_compare"](who, ids[1], ids[0])
    assert "共同用例 16 个" in text and deltas and flips == []

    proposals = tmp_path / "p.jsonl"
    rows = [json.loads(x) for x in (REPO_ROOT / "evals/quality/pairs.jsonl").open(encoding="utf-8").readlines()[:2]]
    proposals.write_text("".join(json.dumps({"id": f"{r['id']}-{s}", **r[s]}, ensure_ascii=False) + "\n"
                                 for r in rows for s in ("a", "b")), encoding="utf-8")
    summary, table, xlsx = page["do_rate"](who, [str(proposals)], 2, False, "rubric")
    assert "已评分 4 份提案" in summary and len(table["value"]) == 4 and table["headers"][0] == "排名"
    assert load_workbook(xlsx).sheetnames == ["排名", "说明"]
