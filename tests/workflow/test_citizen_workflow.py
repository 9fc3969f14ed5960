"""Citizen path: review, stored drafts, answers, edits, submission with receipt, status, export, streaming."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Proposer
from assistant.cultivation.service import CultivationService
from assistant.cultivation.spec import DraftingSpec
from assistant.errors import BaixingError, InputError, NotFoundError
from assistant.llm import FakeChatBackend
from assistant.llm.backends import FakeReply
from assistant.storage.enums import IdeaStatus
from assistant.storage.repositories import DraftRepository, IdeaRepository, RoutingRepository, ScreeningRepository
from assistant.tasks import TaskRunner
from assistant.workflow import CitizenWorkflow, DraftUpdate
from tests.support import llm_runner
from tests.workflow.ideas import IN_SCOPE, OUT_OF_SCOPE

CITIZEN = Proposer(name="张三", occupation="教师", phone="13912345678", address="广州市天河区")


def _final(updates: list[DraftUpdate]) -> DraftUpdate:
    assert updates and updates[-1].done
    return updates[-1]


def _start(wf: CitizenWorkflow, text: str = IN_SCOPE) -> DraftUpdate:
    review = wf.review(text)
    assert review.value.verdict.in_scope
    return _final(list(wf.start_draft(text, review)))


def test_first_draft_is_stored_with_the_review(citizen_wf: CitizenWorkflow, wf_container: Any) -> None:
    update = _start(citizen_wf)
    draft = update.draft
    assert draft is not None and update.draft_id is not None
    assert draft.title.startswith("关于") and draft.suggestions
    assert len(draft.questions) <= 3
    with wf_container.database.session() as s:
        row = DraftRepository(s).require(update.draft_id)
        idea = IdeaRepository(s).require(row.idea_id)
        assert idea.status is IdeaStatus.DRAFT and idea.raw_text == IN_SCOPE
        assert idea.receipt_no is None, "a receipt number is issued only on submission"
        assert idea.title == draft.title
        assert [v.version_no for v in DraftRepository(s).versions(update.draft_id)] == [1]
        screening = ScreeningRepository(s).latest(idea.id)
        assert screening.in_scope and screening.details["routing"]["committee"]  # as imports store it
        assert RoutingRepository(s).latest(idea.id) is not None


def test_submission_stores_citizen_and_returns_a_receipt(citizen_wf: CitizenWorkflow, wf_container: Any) -> None:
    update = _start(citizen_wf)
    draft = update.draft
    assert draft is not None and update.draft_id is not None
    receipt = citizen_wf.submit(update.draft_id, CITIZEN, "关于学校门口设置学生接送区的“百姓提案”",
                                draft.analysis, [*draft.suggestions, "建议市教育局组织家长志愿者协助疏导。"],
                                consent=True)
    assert receipt.receipt_no.startswith("BX-") and receipt.status == "submitted"
    with wf_container.database.session() as s:
        idea = IdeaRepository(s).get_by_receipt(receipt.receipt_no)
        assert idea is not None and idea.status is IdeaStatus.SUBMITTED
        assert (idea.citizen_name, idea.citizen_phone, idea.citizen_occupation) == ("张三", "13912345678", "教师")
        assert [i.id for i in DraftRepository(s).credited_ideas(update.draft_id)] == [idea.id]
    state = citizen_wf.cultivation.resume(update.draft_id)
    assert state.draft.title == "关于学校门口设置学生接送区的“百姓提案”"
    assert "家长志愿者" in "".join(state.draft.suggestions)
    assert state.draft.proposer.name == "张三"
    assert "张三" in state.draft.remarks and receipt.receipt_no in state.draft.remarks

    status = citizen_wf.status(receipt.receipt_no.lower(), "139 1234 5678")
    assert status.status == "submitted" and "提交" in status.status_zh
    assert [h.status for h in status.history] == ["draft", "submitted"]
    assert "张三" not in status.model_dump_json()  # no personal data in the public status

    with pytest.raises(BaixingError, match="已经提交过"):
        citizen_wf.submit(update.draft_id, CITIZEN, draft.title, draft.analysis, draft.suggestions, consent=True)


def test_status_lookup_errors_are_readable(citizen_wf: CitizenWorkflow) -> None:
    with pytest.raises(InputError, match="格式不正确"):
        citizen_wf.status("12345", "13912345678")
    with pytest.raises(InputError, match="联系电话"):
        citizen_wf.status("BX-2020-999999", "")
    with pytest.raises(NotFoundError, match="没有找到"):
        citizen_wf.status("BX-2020-999999", "13912345678")


def test_status_needs_the_phone_given_at_submission(citizen_wf: CitizenWorkflow) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    draft = update.draft
    receipt = citizen_wf.submit(update.draft_id, CITIZEN, draft.title, draft.analysis, draft.suggestions, consent=True)
    with pytest.raises(NotFoundError, match="联系电话与之相符"):
        citizen_wf.status(receipt.receipt_no, "13900000000")
    assert citizen_wf.status(receipt.receipt_no, CITIZEN.phone).receipt_no == receipt.receipt_no


def test_answers_make_a_new_round(citizen_wf: CitizenWorkflow, wf_container: Any) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    with pytest.raises(InputError, match="至少回答一个问题"):
        list(citizen_wf.redraft(update.draft_id, {"problem": "  "}))
    element = update.draft.questions[0].element if update.draft.questions else "evidence"
    final = _final(list(citizen_wf.redraft(update.draft_id, {element: "每天放学约有三百名学生在校门口等候接送。"})))
    assert final.round == 2
    state = citizen_wf.cultivation.resume(update.draft_id)
    assert state.round == 2 and element in state.answers
    with wf_container.database.session() as s:
        notes = [v.change_note for v in DraftRepository(s).versions(update.draft_id)]
    assert notes == ["培育第1轮：初稿", "培育第2轮：根据补充回答修改"]


def test_edits_are_saved_and_survive_a_failed_step(citizen_wf: CitizenWorkflow, monkeypatch: Any) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    title = "关于规范学校门口接送秩序的“百姓提案”"
    citizen_wf.save_edit(update.draft_id, title, update.draft.analysis, update.draft.suggestions)
    with pytest.raises(InputError, match="联系电话"):
        citizen_wf.submit(update.draft_id, Proposer(name="张三", phone="abc"), title, update.draft.analysis,
                          update.draft.suggestions, consent=True)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("model exploded")
        yield  # pragma: no cover

    monkeypatch.setattr(citizen_wf.cultivation, "stream", broken)
    with pytest.raises(RuntimeError):
        list(citizen_wf.redraft(update.draft_id, {"evidence": "每天三百人"}))
    state = citizen_wf.cultivation.resume(update.draft_id)
    assert state.draft.title == title and state.idea_text == IN_SCOPE


def test_empty_suggestions_are_refused(citizen_wf: CitizenWorkflow) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    with pytest.raises(InputError, match="具体建议"):
        citizen_wf.save_edit(update.draft_id, update.draft.title, update.draft.analysis, ["", "  "])


def test_out_of_scope_idea_gets_a_channel_and_no_draft(citizen_wf: CitizenWorkflow) -> None:
    review = citizen_wf.review(OUT_OF_SCOPE)
    verdict = review.value.verdict
    assert not verdict.in_scope and verdict.category and verdict.redirect is not None
    with pytest.raises(InputError, match="不属于"):
        list(citizen_wf.start_draft(OUT_OF_SCOPE, review))


def test_empty_and_huge_ideas_get_chinese_messages(citizen_wf: CitizenWorkflow) -> None:
    with pytest.raises(InputError, match="请填写"):
        citizen_wf.review("   ")
    with pytest.raises(InputError, match="太长"):
        citizen_wf.review("很长的想法" * 10000)


def test_export_docx_opens_and_has_the_title(citizen_wf: CitizenWorkflow) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    name, data = citizen_wf.export_docx(update.draft_id)
    assert name == "百姓提案-草稿.docx", "no receipt number before submission"
    draft = update.draft
    receipt = citizen_wf.submit(update.draft_id, CITIZEN, draft.title, draft.analysis, draft.suggestions, consent=True)
    name, data = citizen_wf.export_docx(update.draft_id)
    assert name == f"百姓提案-{receipt.receipt_no}.docx"
    text = "\n".join(c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
    assert update.draft.title in text


# --- streaming -------------------------------------------------------------------------------------
STREAMED = (
    "关于学校门口设置学生接送区的“百姓提案”\n一、情况分析\n"
    "1. 放学时段学校门口电动车乱停，小孩子过马路存在安全隐患。\n"
    "二、具体建议\n1. 建议在放学时段设置临时接送区。\n2. 建议安排交警在放学时段疏导交通。\n"
)


def _cultivation(*replies: Any) -> CultivationService:
    tasks = TaskRunner(llm_runner(FakeChatBackend().enqueue(*replies)))
    return CultivationService(tasks, DraftingSpec(OfflineDrafter()), None)  # type: ignore[arg-type]


def _written(service: CultivationService, text: str = IN_SCOPE) -> tuple[list[str], Any]:
    stream = service.stream(service.request(text))
    partials = list(stream)
    return partials, stream.outcome


def test_model_drafts_stream_then_go_through_the_validator() -> None:
    service = _cultivation(FakeReply(data=STREAMED))
    assert service.streaming
    partials, outcome = _written(service)
    final = outcome.value
    assert len(partials) > 3 and partials[-1].startswith("关于学校门口")
    assert final.backend == "fake" and final.title == "关于学校门口设置学生接送区的“百姓提案”"
    assert final.suggestions == ["建议在放学时段设置临时接送区。", "建议安排交警在放学时段疏导交通。"]
    assert outcome.run.task == "draft" and outcome.run.prompt_version


def test_unusable_model_text_or_failure_keeps_the_offline_draft() -> None:
    offline = _cultivation().draft(IN_SCOPE, offline_only=True)
    _, outcome = _written(_cultivation(FakeReply(data="抱歉，我无法完成。")))
    assert outcome.value.proposal_dict() == offline.proposal_dict()
    assert outcome.run.fallback_code == "invalid_output" and any("无法识别" in n for n in outcome.value.notes)
    _, failed = _written(_cultivation(FakeReply(chunks=["关于学校", RuntimeError("boom")])))
    assert failed.value.proposal_dict() == offline.proposal_dict()
    assert failed.value.backend == "offline (fallback)"
