"""Member path: roles, opening submissions, rubric, accepted/rejected edits as versions, attribution, imports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from assistant.accounts import UserSession
from assistant.cultivation.models import Proposer
from assistant.errors import InputError, NotFoundError, PermissionDenied
from assistant.storage.enums import DraftStatus
from assistant.storage.repositories import DraftRepository, QualityRepository
from assistant.workflow import CitizenWorkflow, MemberWorkflow, Receipt
from tests.workflow.ideas import IN_SCOPE

CITIZEN = Proposer(name="李四", occupation="退休职工", phone="020-83838383", address="广州市越秀区")
COLLOQUIAL = ["能不能管管校门口乱停车的问题", "出钱在门口搞一个接送区"]
PASTED = (
    "关于规范校门口接送秩序的“百姓提案”\n一、情况分析\n1. 放学时段校门口电动车乱停，学生过马路有安全隐患。\n"
    "二、具体建议\n1. 希望管管校门口乱停车。\n2. 建议市教育局指导学校错峰放学。\n"
)


def _submit(wf: CitizenWorkflow) -> Receipt:
    review = wf.review(IN_SCOPE)
    final = list(wf.start_draft(IN_SCOPE, review))[-1]
    assert final.draft is not None and final.draft_id is not None
    d = final.draft
    return wf.submit(final.draft_id, CITIZEN, d.title, d.analysis, d.suggestions, consent=True)


def test_roles_are_enforced(member_wf: MemberWorkflow, staff: UserSession) -> None:
    with pytest.raises(PermissionDenied, match="请先以委员身份登录"):
        member_wf.submissions(None)
    with pytest.raises(PermissionDenied, match="仅限委员"):
        member_wf.open(staff, "1")
    with pytest.raises(PermissionDenied):
        member_wf.polish(staff, 1)


def test_open_polish_accept_reject_keeps_attribution(
    citizen_wf: CitizenWorkflow, member_wf: MemberWorkflow, member: UserSession, wf_container: Any
) -> None:
    receipt = _submit(citizen_wf)
    assert receipt.receipt_no in [s.receipt_no for s in member_wf.submissions(member)]
    opened = member_wf.open(member, f"{receipt.receipt_no}｜标题｜状态")
    assert opened.draft_id == receipt.draft_id
    assert opened.credited and "李四" in opened.credited[0] and receipt.receipt_no in opened.credited[0]

    d = opened.draft
    saved = member_wf.save_manual(member, opened.draft_id, d.title, d.analysis, [*d.suggestions[:1], *COLLOQUIAL])
    assert saved.version_no == opened.version_no + 1
    result = member_wf.polish(member, opened.draft_id)
    names = [x.name for x in result.report.dimensions]
    assert names == ["选题聚焦", "情况准确", "分析深入", "建议具体可行", "格式规范"]
    assert all(x.reason for x in result.report.dimensions)
    assert len(result.edits) >= 2 and all(e.diff.startswith("---") for e in result.edits)

    accept, reject = result.edits[0], result.edits[1]
    with pytest.raises(InputError, match="至少勾选"):
        member_wf.apply_edits(member, opened.draft_id, result.edits, [])
    after = member_wf.apply_edits(member, opened.draft_id, result.edits, [accept.id])
    assert after.version_no == saved.version_no + 1
    points = after.draft.analysis + after.draft.suggestions
    assert accept.after in points and reject.before in points and reject.after not in points
    note = after.versions[-1].note
    assert f"采纳修改建议 {accept.id}" in note and reject.id in note and "未采纳" in note
    assert after.versions[-1].author == "王委员"
    # attribution (群众署名) and the proposer survive polishing
    assert after.draft.proposer.name == "李四"
    remarks = after.draft.remarks
    assert "李四" in remarks and receipt.receipt_no in remarks and "王委员" in remarks
    assert after.credited == opened.credited

    diff = member_wf.diff(member, opened.draft_id, saved.version_no, after.version_no)
    assert diff.startswith(f"--- 第{saved.version_no}版") and "+" in diff
    with wf_container.database.session() as s:
        assert DraftRepository(s).require(opened.draft_id).status is DraftStatus.POLISHING
        version = DraftRepository(s).get_version(opened.draft_id, saved.version_no)
        report = QualityRepository(s).latest_for_version(version.id)
        assert report is not None and report.score == result.report.total


def test_unsubmitted_or_unknown_references_are_refused(
    citizen_wf: CitizenWorkflow, member_wf: MemberWorkflow, member: UserSession
) -> None:
    review = citizen_wf.review(IN_SCOPE)
    final = list(citizen_wf.start_draft(IN_SCOPE, review))[-1]
    state = citizen_wf.cultivation.resume(final.draft_id)
    assert state.draft.attribution is not None and state.draft.attribution.receipt_no is None
    with pytest.raises(InputError, match="尚未提交"):
        member_wf.open(member, str(final.draft_id))
    with pytest.raises(NotFoundError):
        member_wf.open(member, "BX-2020-999999")
    with pytest.raises(InputError, match="受理编号"):
        member_wf.open(member, "随便")


def test_duplicate_check(citizen_wf: CitizenWorkflow, member_wf: MemberWorkflow, member: UserSession) -> None:
    receipt = _submit(citizen_wf)
    check = member_wf.duplicates(member, receipt.draft_id)
    assert check.novelty.summary and len(check.novelty.closest) <= 3
    assert len(check.items) <= 5


def test_imports(member_wf: MemberWorkflow, member: UserSession, citizen_wf: CitizenWorkflow) -> None:
    pasted = member_wf.import_text(member, PASTED)
    assert pasted.draft.title == "关于规范校门口接送秩序的“百姓提案”"
    assert len(pasted.draft.suggestions) == 2 and pasted.versions[0].note == "委员粘贴导入"
    assert member_wf.polish(member, pasted.draft_id).edits  # 希望管管 → formal, who acts

    idea = member_wf.import_text(member, IN_SCOPE)
    assert idea.draft.title.startswith("关于") and "按金点子起草" in idea.versions[0].note

    receipt = _submit(citizen_wf)
    _, data = member_wf.export_docx(member, pasted.draft_id)
    credited = member_wf.import_docx(member, data, "draft.docx", receipt_no=receipt.receipt_no)
    assert credited.draft.title == pasted.draft.title
    assert credited.credited and "李四" in credited.credited[0] and "李四" in credited.draft.remarks

    with pytest.raises(InputError, match=r"\.docx"):
        member_wf.import_docx(member, data, "draft.doc")
    with pytest.raises(InputError, match="无法读取"):
        member_wf.import_docx(member, b"PK\x03\x04 not really a zip", "bad.docx")
    small = MemberWorkflow(member_wf.cultivation, member_wf.ideas, max_upload_bytes=100)
    with pytest.raises(InputError, match="文件太大"):
        small.import_docx(member, data, "draft.docx")
    assert Document(io.BytesIO(data)).tables
