"""Personal information: consent is stored with the notice version; staff export or erase one citizen's data on
request (receipt + phone, audited); contact views are audited with their purpose; the retention purge erases old
contact details and deletes stale unsubmitted drafts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.accounts import LOCAL_OPERATOR
from assistant.cultivation.models import Proposer
from assistant.errors import InputError, NotFoundError, PermissionDenied
from assistant.storage.enums import Role
from tests.api.helpers import IN_SCOPE, PHONE, idea_body, login

CITIZEN = Proposer(name="张三", phone=PHONE, occupation="教师", address="广州市天河区某街 1 号")


def _submit(container: Any, key: str) -> str:
    result = container.citizen_workflow.submit_idea(IN_SCOPE, CITIZEN, consent=True, idempotency_key=key)
    assert result.receipt_no
    return str(result.receipt_no)


def test_export_and_erase_on_request_are_checked_and_audited(any_container: Any) -> None:
    container = any_container
    receipt = _submit(container, "privacy-key-01")
    staff = container.accounts.login("staff", "staff-pass-1")
    member = container.accounts.login("member", "member-pass-1")
    with pytest.raises(PermissionDenied):
        container.privacy.export(member, receipt, PHONE)
    with pytest.raises(NotFoundError):
        container.privacy.export(staff, receipt, "13800000000")
    data = container.privacy.export(staff, receipt, PHONE)
    assert (data.name, data.phone, data.address) == ("张三", PHONE, "广州市天河区某街 1 号")
    assert data.consent_notice == container.settings.privacy.notice_version and data.versions
    assert data.versions[0]["proposer_phone"] == PHONE

    idea_id = container.privacy.erase(staff, receipt, PHONE, "本人来电要求删除")
    idea = container.ideas.idea(idea_id)
    assert idea.citizen.name is idea.citizen.phone is idea.citizen.address is None and idea.contact_erased_at
    for version in container.ideas.versions(container.ideas.drafts_for(idea_id)[0]):
        assert version.content.proposer.phone is None and "张三" not in (version.content.remarks or "")
    assert idea.raw_text == IN_SCOPE, "the idea's text stays"
    kinds = [e.kind for e in container.auth_store.events(limit=20)]
    assert "privacy_export" in kinds and "privacy_erase" in kinds
    with pytest.raises(NotFoundError):  # the phone is gone: nobody can look it up with it any more
        container.citizen_workflow.status(receipt, PHONE)


def test_contact_views_need_a_purpose_and_are_audited(any_container: Any) -> None:
    container = any_container
    receipt = _submit(container, "privacy-key-02")
    staff = container.accounts.login("staff", "staff-pass-1")
    with pytest.raises(InputError, match="事由"):
        container.privacy.contact(staff, receipt, " ")
    info = container.privacy.contact(staff, receipt, "核实情况")
    assert info.phone == PHONE
    event = container.auth_store.events(kind="contact_viewed", limit=1)[0]
    assert event.user_id == staff.user_id and event.detail["purpose"] == "核实情况" and PHONE not in str(event)


def test_retention_purge(any_container: Any) -> None:
    container = any_container
    receipt = _submit(container, "privacy-key-03")
    review = container.citizen_workflow.review(IN_SCOPE)
    started = list(container.citizen_workflow.start_draft(IN_SCOPE, review))[-1]  # an unsubmitted draft
    assert container.privacy.purge(LOCAL_OPERATOR, dry_run=True).contacts_erased == 0
    cfg = container.settings.privacy
    later = container.privacy.clock() + timedelta(days=max(cfg.retention_days, cfg.draft_retention_days) + 1)
    container.privacy.clock = lambda: later
    dry = container.privacy.purge(LOCAL_OPERATOR, dry_run=True)
    assert (dry.contacts_erased, dry.drafts_deleted) == (1, 1)
    assert container.ideas.by_receipt(receipt).citizen.phone == PHONE, "a dry run changes nothing"
    done = container.privacy.purge(LOCAL_OPERATOR)
    assert (done.contacts_erased, done.drafts_deleted) == (1, 1)
    assert container.ideas.by_receipt(receipt).citizen.phone is None
    with pytest.raises(NotFoundError):
        container.ideas.require_draft(started.draft_id)
    assert container.auth_store.events(kind="privacy_purge", limit=1)[0].detail["drafts_deleted"] == 1
    with pytest.raises(PermissionDenied):
        container.privacy.purge(container.accounts.login("staff", "staff-pass-1"))


def test_privacy_routes_of_the_api(client: TestClient, api_container: Any) -> None:
    receipt = client.post("/api/v1/ideas", json=idea_body("privacy-key-04")).json()["receipt"]
    auth = {"Authorization": f"Bearer {login(client, Role.STAFF)}"}
    assert client.get(f"/api/v1/staff/ideas/by-receipt/{receipt}/contact?purpose=告知办理结果").status_code == 401
    seen = client.get(f"/api/v1/staff/ideas/by-receipt/{receipt}/contact?purpose=告知办理结果", headers=auth)
    assert seen.status_code == 200 and seen.json()["phone"] == PHONE
    exported = client.post("/api/v1/staff/privacy/export", headers=auth, json={"receipt": receipt, "phone": PHONE})
    assert exported.status_code == 200 and exported.json()["name"] == "张三"
    erased = client.post("/api/v1/staff/privacy/erase", headers=auth, json={"receipt": receipt, "phone": PHONE})
    assert erased.status_code == 200 and erased.json()["erased"] is True
    assert client.post("/api/v1/staff/privacy/export", headers=auth,
                       json={"receipt": receipt, "phone": PHONE}).status_code == 404


def test_privacy_cli(api_container: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from baixing import main

    receipt = _submit(api_container, "privacy-key-05")
    assert main(["privacy", "export", receipt, "--phone", PHONE], container=api_container) == 0
    assert "张三" in capsys.readouterr().out
    assert main(["privacy", "erase", receipt, "--phone", PHONE], container=api_container) == 0
    assert "已删除" in capsys.readouterr().out
    assert main(["privacy", "purge", "--dry-run"], container=api_container) == 0
    assert "将删除 0 条" in capsys.readouterr().out
    assert create_app(api_container) is not None
