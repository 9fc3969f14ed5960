"""The citizen's own words survive cultivation: a redraft keeps hand edits, a reframing keeps the story, and a
receipt number exists only after submission."""

from __future__ import annotations

from typing import Any

from assistant.cultivation.merge import merge_redraft
from assistant.cultivation.models import DraftProposal, Proposer
from assistant.workflow import CitizenWorkflow, DraftUpdate
from tests.workflow.ideas import IN_SCOPE, OUT_OF_SCOPE

ANSWER = "每天放学时约有三百名学生在校门口等候，周边道路只有两条车道。"
MY_TITLE = "关于规范学校门口放学接送秩序的“百姓提案”"
MY_POINT = "建议在校门口东侧划出家长临时停车等候区，由学校安排老师值守。"


def _final(updates: list[DraftUpdate]) -> DraftUpdate:
    assert updates and updates[-1].done and updates[-1].draft is not None
    return updates[-1]


def _start(wf: CitizenWorkflow) -> DraftUpdate:
    review = wf.review(IN_SCOPE)
    return _final(list(wf.start_draft(IN_SCOPE, review)))


def test_merge_without_edits_takes_the_redraft() -> None:
    before = DraftProposal(title="关于A的“百姓提案”", analysis=["甲"], suggestions=["乙"])
    written = DraftProposal(title="关于A的“百姓提案”", analysis=["甲", "丙"], suggestions=["乙"])
    merged = merge_redraft(before, written, before)
    assert merged.draft == written and not merged.kept_edits and merged.added == []


def test_merge_keeps_every_edit_verbatim_and_appends_only_new_points() -> None:
    before = DraftProposal(title="关于A的“百姓提案”", analysis=["甲", "乙"], suggestions=["建议一"])
    edited = DraftProposal(title="我的标题", analysis=["甲（我改过）"], suggestions=["建议一", "我的建议"])
    written = DraftProposal(title="关于A的“百姓提案”", analysis=["甲", "乙", "每天三百人"],
                            suggestions=["1. 建议一", "新建议"])
    merged = merge_redraft(edited, written, before)
    assert merged.kept_edits
    assert merged.draft.title == "我的标题"
    assert merged.draft.analysis == ["甲（我改过）", "每天三百人"]  # the deleted 乙 does not come back
    assert merged.draft.suggestions == ["建议一", "我的建议", "新建议"]
    assert merged.added == ["每天三百人", "新建议"]


def test_redraft_after_edits_keeps_the_edited_draft(citizen_wf: CitizenWorkflow) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    draft = update.draft
    suggestions = [*draft.suggestions, MY_POINT]
    citizen_wf.save_edit(update.draft_id, MY_TITLE, draft.analysis, suggestions)
    element = draft.questions[0].element if draft.questions else "evidence"
    final = _final(list(citizen_wf.redraft(update.draft_id, {element: ANSWER})))
    assert final.kept_edits
    assert final.draft is not None
    assert final.draft.title == MY_TITLE
    assert MY_POINT in final.draft.suggestions
    for point in draft.analysis:
        assert point in final.draft.analysis
    stored = citizen_wf.cultivation.resume(update.draft_id)
    assert stored.draft.title == MY_TITLE and MY_POINT in stored.draft.suggestions
    notes = [v.change_note for v in citizen_wf.ideas.versions(update.draft_id)]
    assert notes[-1] is not None and "保留市民的修改" in notes[-1]


def test_redraft_without_edits_is_a_plain_new_round(citizen_wf: CitizenWorkflow) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    element = update.draft.questions[0].element if update.draft.questions else "evidence"
    final = _final(list(citizen_wf.redraft(update.draft_id, {element: ANSWER})))
    assert not final.kept_edits and final.round == 2


def test_reframing_keeps_the_citizens_story(citizen_wf: CitizenWorkflow) -> None:
    review = citizen_wf.review(OUT_OF_SCOPE)
    assert not review.value.verdict.in_scope
    hint = citizen_wf.reframed_idea(review)
    assert hint
    text = citizen_wf.reframed_with_story(hint, OUT_OF_SCOPE)
    assert text.startswith(hint) and OUT_OF_SCOPE in text
    assert citizen_wf.reframed_with_story(hint, text) == text  # clicking twice adds nothing
    assert citizen_wf.review(text).value.verdict.in_scope


def test_receipt_only_on_submission(citizen_wf: CitizenWorkflow, wf_container: Any) -> None:
    update = _start(citizen_wf)
    assert update.draft_id is not None and update.draft is not None
    idea_id = citizen_wf.cultivation.resume(update.draft_id).idea_id
    assert idea_id is not None
    assert citizen_wf.ideas.idea(idea_id).receipt_no is None
    element = update.draft.questions[0].element if update.draft.questions else "evidence"
    list(citizen_wf.redraft(update.draft_id, {element: ANSWER}))
    assert citizen_wf.ideas.idea(idea_id).receipt_no is None
    d = citizen_wf.cultivation.resume(update.draft_id).draft
    receipt = citizen_wf.submit(update.draft_id, Proposer(name="张三", phone="13912345678"), d.title, d.analysis,
                                d.suggestions, consent=True)
    assert citizen_wf.ideas.idea(idea_id).receipt_no == receipt.receipt_no
