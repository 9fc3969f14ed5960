"""Service: LLM path through the same validator, offline fallback, stored and resumed sessions, CLI batch."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.container import Container
from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Attribution, Proposer
from assistant.cultivation.service import CultivationService
from assistant.cultivation.spec import DraftingSpec
from assistant.cultivation.validator import hard_violations
from assistant.llm import FALLBACK, FakeChatBackend, LLMRunner, PromptLoader
from assistant.settings import REPO_ROOT, test_settings
from assistant.storage.db import open_database
from assistant.storage.ideas import IdeaStore
from assistant.storage.repositories import DraftRepository
from assistant.tasks import TaskRunner
from baixing import main

IDEA = "学校门口放学时候电动车乱停，小孩子过马路很危险，建议设置接送区。"


@pytest.fixture(scope="module")
def drafter() -> OfflineDrafter:
    return OfflineDrafter()


def runner(fake: FakeChatBackend) -> LLMRunner:
    return LLMRunner(fake, PromptLoader(REPO_ROOT / "prompts", versions={"draft": "v2"}))


def service_over(drafter: OfflineDrafter, llm: LLMRunner | None = None, ideas: IdeaStore | None = None
                 ) -> CultivationService:
    return CultivationService(TaskRunner(llm), DraftingSpec(drafter), ideas)  # type: ignore[arg-type]


def test_llm_draft_goes_through_the_validator(drafter: OfflineDrafter) -> None:
    answer = {
        "title": "关于在学校门口设置接送区的“百姓提案”",
        "analysis": ["1. 据群众反映，放学时候学校门口电动车乱停，联系电话13912345678。"],
        "suggestions": ["建议在学校门口设置接送区。"],
    }
    fake = FakeChatBackend().enqueue(answer)
    draft = service_over(drafter, runner(fake)).draft(IDEA)
    assert draft.backend == "fake" and draft.prompt_version == "v2"
    assert draft.title == answer["title"]
    assert not hard_violations(draft) and "13912345678" not in draft.analysis[0]
    assert not draft.analysis[0].startswith("1.")
    assert any("个人信息" in n for n in draft.notes)


def test_a_model_draft_with_claims_nobody_made_is_asked_again_then_replaced(drafter: OfflineDrafter) -> None:
    invented = {
        "title": "关于在学校门口设置接送区的“百姓提案”",
        "analysis": ["据统计，全市已有300多所学校存在此问题，同类问题曾多次被反映。"],
        "suggestions": ["建议市公安局交通警察支队依据《道路交通安全法》第三十条在放学时段设置临时接送区。"],
    }
    fake = FakeChatBackend().enqueue(invented, invented)
    service = service_over(drafter, runner(fake))
    outcome = service.run(service.request(IDEA))
    assert len(fake.calls) == 2, "one repair try with the reason"
    assert "没有的内容" in fake.calls[1].messages[-1].content
    assert outcome.run.fallback_code == "invalid_output" and outcome.value.backend == FALLBACK
    body = "".join([outcome.value.title, *outcome.value.analysis, *outcome.value.suggestions])
    assert "300" not in body and "多次被反映" not in body and "道路交通安全法" not in body


def test_invalid_llm_output_falls_back_offline(drafter: OfflineDrafter) -> None:
    too_long = {"title": "关于x的“百姓提案”", "analysis": ["情况" * 400], "suggestions": ["建议"]}
    fake = FakeChatBackend().enqueue(too_long, "plain text")
    service = service_over(drafter, runner(fake))
    draft = service.draft(IDEA)
    offline = service.draft(IDEA, offline_only=True)
    assert draft.backend == FALLBACK
    assert draft.proposal_dict() == offline.proposal_dict()
    assert not hard_violations(draft)


def test_v1_prompt_still_renders(drafter: OfflineDrafter) -> None:
    fake = FakeChatBackend()  # empty script: fallback, but the v1 variables must render
    service = service_over(drafter, LLMRunner(fake, PromptLoader(REPO_ROOT / "prompts")))
    assert service.draft(IDEA).backend == FALLBACK


def test_session_is_stored_and_resumed(drafter: OfflineDrafter, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    db = open_database(url)
    service = service_over(drafter, ideas=IdeaStore(db))
    citizen = Proposer(name="张三", occupation="退休教师", phone="13800138000", address="天河区某路1号")
    text = "公园里晚上太黑了，路灯坏了。"
    first = service.draft(text, proposer=citizen, attribution=Attribution(citizen=citizen, member="某委员"))
    state = service.start(text, first, citizen=citizen)
    assert state.draft_id and state.round == 1 and len(state.draft.questions) <= 3
    resumed = service.resume(state.draft_id)
    assert resumed.draft.proposal_dict() == state.draft.proposal_dict()
    assert resumed.draft.proposer == citizen and resumed.draft.attribution.citizen == citizen
    assert resumed.draft.attribution.receipt_no is None and "张三" in resumed.draft.remarks
    second = service.answer(state.draft_id, {"suggestion": "建议区林业园林局一个月内修复路灯"})
    assert second.round == 2 and second.answers == {"suggestion": "建议区林业园林局一个月内修复路灯"}
    db.dispose()

    reopened = open_database(url)
    try:
        fresh = service_over(drafter, ideas=IdeaStore(reopened))
        again = fresh.resume(state.draft_id)
        assert again.round == 2 and again.answers == second.answers
        assert again.draft.questions == second.draft.questions and again.draft.notes == second.draft.notes
        assert again.draft.proposal_dict() == second.draft.proposal_dict()
        assert again.draft.proposer == citizen and again.draft.attribution.member == "某委员"
        with reopened.session() as s:
            versions = DraftRepository(s).versions(state.draft_id)
            # the state lives in real columns; change_note is a human-readable note only
            assert [v.change_note for v in versions] == ["培育第1轮：初稿", "培育第2轮：根据补充回答修改"]
            assert [v.proposer_address for v in versions] == ["天河区某路1号"] * 2
            assert [v.session_state["round"] for v in versions] == [1, 2]
            assert versions[1].session_state["answers"] == second.answers
        third = fresh.answer(state.draft_id, {"affected": "周边约三千名居民"})
        assert third.round == 3 and third.answers == {**second.answers, "affected": "周边约三千名居民"}
    finally:
        reopened.dispose()


def test_cli_batch_lines_have_exactly_the_keys(
    drafter: OfflineDrafter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = json.dumps({"id": 1, "text": IDEA}, ensure_ascii=False) + "\nnot json\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    container = Container(test_settings(tmp_path / "var"))
    container.__dict__["cultivation_service"] = service_over(drafter)
    assert main(["draft", "--jsonl"], container) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert set(out[0]) == {"id", "proposal", "questions", "sources", "violations"}
    assert set(out[0]["proposal"]) == {"title", "analysis", "suggestions"} and out[0]["violations"] == []
    assert out[1]["line"] == 2 and "error" in out[1]


def test_request_sentences_become_formal_actionable_suggestions(drafter: OfflineDrafter) -> None:
    idea = (
        "我们小区是老旧小区，没有电梯，住六楼的老人家上下楼太难了，能不能政府出钱统一加装电梯？"
        "听说有补贴但是审批太麻烦了"
    )
    draft = drafter.draft(idea)
    assert draft.title == "关于加大对老旧小区加装电梯的财政资金支持力度的“百姓提案”"
    text = "".join(draft.suggestions)
    assert "出钱" not in text and "能不能" not in text and "太麻烦" not in text
    assert draft.suggestions[0].startswith("建议广州市住房和城乡建设局加大对老旧小区加装电梯的财政资金支持力度")
    assert any(s.startswith("建议广州市住房和城乡建设局简化") and "审批" in s for s in draft.suggestions)
    formal = drafter.normaliser.normalise_text("希望有关部门管管，帮我们把路灯修好")
    assert drafter.request(formal) == "加强管理，修复路灯"
    assert drafter.measures("能不能帮忙一下？") == []  # nothing left to ask for
