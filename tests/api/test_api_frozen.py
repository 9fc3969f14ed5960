"""Submitted means frozen: after submission the citizen's session cannot edit or redraft the submitted text; the
citizen's answers become new versions; a member's version is never replaced by a citizen (not even when the
member saves in the middle of the citizen's redraft); the history says who changed what."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.cultivation.models import Proposer
from assistant.storage.errors import ConflictError
from tests.api.helpers import IN_SCOPE, PHONE, idea_body

CITIZEN = Proposer(name="张三", phone=PHONE)


def test_the_citizen_page_cannot_change_a_submitted_draft(api_container: Any) -> None:
    wf = api_container.citizen_workflow
    update = list(wf.start_draft(IN_SCOPE, wf.review(IN_SCOPE)))[-1]
    draft = update.draft
    wf.submit(update.draft_id, CITIZEN, draft.title, draft.analysis, draft.suggestions, consent=True)
    before = [v.version_no for v in api_container.ideas.versions(update.draft_id)]
    with pytest.raises(ConflictError, match="提交后的内容不再修改"):
        wf.save_edit(update.draft_id, "改过的标题", draft.analysis, draft.suggestions)
    with pytest.raises(ConflictError, match="提交后的内容不再修改"):
        list(wf.redraft(update.draft_id, {"affected": "约200户"}))
    assert wf.save_edit(update.draft_id, draft.title, draft.analysis, draft.suggestions) is not None  # no change: ok
    assert [v.version_no for v in api_container.ideas.versions(update.draft_id)] == before


def test_a_member_version_is_never_replaced_by_citizen_answers(client: TestClient, api_container: Any) -> None:
    receipt = client.post("/api/v1/ideas", json=idea_body("frozen-key-01")).json()["receipt"]
    member = api_container.accounts.login("member", "member-pass-1")
    opened = api_container.member_workflow.open(member, receipt)
    polished = api_container.member_workflow.save_manual(
        member, opened.draft_id, "关于老旧小区加装电梯的“百姓提案”（委员修改稿）", opened.draft.analysis,
        [*opened.draft.suggestions, "建议市住房城乡建设局牵头制定加装电梯补贴细则。"],
    )
    answered = client.post(f"/api/v1/ideas/{receipt}/answers", headers={"X-Phone": PHONE},
                           json={"answers": {"affected": "全小区约200户"}})
    assert answered.status_code == 201 and answered.json()["redrafted"] is False
    versions = api_container.ideas.versions(opened.draft_id)
    latest = versions[-1]
    assert latest.version_no == polished.version_no + 1 and latest.author_id is None
    members = versions[-2]
    assert members.author_id == member.user_id and "委员修改稿" in members.content.title
    assert (latest.content.title, latest.content.suggestions) == (members.content.title, members.content.suggestions)
    assert latest.content.session_state["answers"]["affected"] == "全小区约200户"
    history = client.get(f"/api/v1/ideas/{receipt}", headers={"X-Phone": PHONE}).json()["history"]
    authors = [h["by"] for h in history if h["kind"] == "version"]
    assert authors == ["市民（本人）", "测试member", "市民（本人）"]


def test_a_member_saving_during_a_citizen_redraft_wins(api_container: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    wf = api_container.citizen_workflow
    result = wf.submit_idea(IN_SCOPE, CITIZEN, consent=True, idempotency_key="frozen-key-02")
    draft_id = result.draft_id
    member = api_container.accounts.login("member", "member-pass-1")
    original_run = wf.cultivation.run
    calls = {"n": 0}

    def run_while_a_member_saves(request: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:  # the member saves while the citizen's redraft is being written
            view = api_container.member_workflow.view(member, draft_id)
            api_container.member_workflow.save_manual(member, draft_id, "委员在此期间保存的标题", view.draft.analysis,
                                                      view.draft.suggestions)
        return original_run(request, **kwargs)

    monkeypatch.setattr(wf.cultivation, "run", run_while_a_member_saves)
    answered = wf.add_answers(result.receipt_no, PHONE, {"affected": "约两百户"})
    assert answered.redrafted is False
    *_, members, latest = api_container.ideas.versions(draft_id)
    assert members.author_id == member.user_id and latest.author_id is None
    assert latest.content.title == members.content.title and "委员在此期间保存的标题" in latest.content.title
