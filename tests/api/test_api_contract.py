"""The fixed contract of /api/v1: submissions with receipts and idempotency keys, out-of-scope answers, status
look-ups by receipt and X-Phone, answers as versions, bearer tokens, roles, limits, errors in Chinese."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import LimitsSettings
from assistant.storage.enums import Role
from tests.api.helpers import OUT_OF_SCOPE, PHONE, idea_body, login, make_container

CJK = re.compile(r"[\u4e00-\u9fff]")


def _error(response: Any) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert CJK.search(body["error"]["message"]), body
    return str(body["error"]["message"])


def test_in_scope_idea_gets_a_receipt_questions_and_a_draft(client: TestClient, api_container: Any) -> None:
    response = client.post("/api/v1/ideas", json=idea_body("key-00000001", channel="公众号"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"BX-\d{4}-\d{6}", body["receipt"])
    assert body["in_scope"] is True and body["category"] is None and body["repeated"] is False
    assert body["draft"]["title"].startswith("关于") and body["draft"]["suggestions"]
    assert "张三" in body["draft"]["remarks"] and PHONE not in response.text  # no phone echoed back
    assert all(q["element"] and q["text"] for q in body["questions"])
    idea = api_container.ideas.by_receipt(body["receipt"])
    assert idea.status.value == "submitted" and idea.source.value == "api" and idea.channel == "公众号"
    assert idea.citizen.phone == PHONE and idea.consent_notice == api_container.settings.privacy.notice_version
    assert idea.consent_at is not None


def test_same_idempotency_key_returns_the_same_receipt_and_stores_nothing_new(
    client: TestClient, api_container: Any
) -> None:
    first = client.post("/api/v1/ideas", json=idea_body("retry-key-42"))
    again = client.post("/api/v1/ideas", json=idea_body("retry-key-42"))
    header = client.post("/api/v1/ideas", json=idea_body(), headers={"Idempotency-Key": "retry-key-42"})
    assert first.status_code == 201 and again.status_code == 200 and header.status_code == 200
    assert first.json()["receipt"] == again.json()["receipt"] == header.json()["receipt"]
    assert again.json()["repeated"] is True
    assert api_container.ideas.by_idempotency_key("retry-key-42").receipt_no == first.json()["receipt"]
    other = client.post("/api/v1/ideas", json=idea_body("retry-key-43"))
    assert other.json()["receipt"] != first.json()["receipt"]


def test_out_of_scope_idea_gets_the_channel_and_no_receipt(client: TestClient, api_container: Any) -> None:
    response = client.post("/api/v1/ideas", json=idea_body("out-of-scope-1", text=OUT_OF_SCOPE))
    assert response.status_code == 200
    body = response.json()
    assert body["receipt"] is None and body["in_scope"] is False and body["category"]
    assert body["channel"]["name"] and body["channel"]["how"] and body["draft"] is None
    assert api_container.ideas.by_idempotency_key("out-of-scope-1") is None  # nothing stored


def test_consent_is_required(client: TestClient) -> None:
    refused = client.post("/api/v1/ideas", json=idea_body("no-consent-1", consent=False))
    assert refused.status_code == 400 and "个人信息处理说明" in _error(refused)
    body = idea_body()
    del body["consent"]
    missing = client.post("/api/v1/ideas", json=body)
    assert missing.status_code == 422 and "consent" in _error(missing)
    notice = client.get("/api/v1/privacy-notice").json()
    assert "保存多久" in notice["text"] and notice["version"]


def test_bad_requests_get_chinese_messages(client: TestClient) -> None:
    assert client.post("/api/v1/ideas", content=b"{not json", headers={"content-type": "application/json"}
                       ).status_code == 422
    extra = client.post("/api/v1/ideas", json=idea_body(surprise=1))
    assert extra.status_code == 422 and "不认识的字段" in _error(extra)
    short_key = client.post("/api/v1/ideas", json=idea_body(idempotency_key="k-1"))
    assert short_key.status_code == 422 and "8–128 个字母" in _error(short_key)
    bad_phone = idea_body()
    bad_phone["proposer"]["phone"] = "abc"
    assert client.post("/api/v1/ideas", json=bad_phone).status_code == 400
    empty = client.post("/api/v1/ideas", json=idea_body(text="   "))
    assert empty.status_code == 400 and _error(empty)
    big = client.post("/api/v1/ideas", content=b"x" * (300 * 1024), headers={"content-type": "application/json"})
    assert big.status_code == 413 and _error(big)
    assert client.get("/api/v1/nowhere").status_code == 404


def test_status_needs_the_phone_in_a_header(client: TestClient) -> None:
    receipt = client.post("/api/v1/ideas", json=idea_body("status-key-1")).json()["receipt"]
    ok = client.get(f"/api/v1/ideas/{receipt}", headers={"X-Phone": "139-1234-5678"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["receipt"] == receipt and body["status"] == "submitted"
    assert [h["status"] for h in body["history"] if h["kind"] == "status"] == ["draft", "submitted"]
    assert [h["version"] for h in body["history"] if h["kind"] == "version"] == [1]
    assert "张三" not in ok.text and PHONE not in ok.text
    wrong = client.get(f"/api/v1/ideas/{receipt}", headers={"X-Phone": "13800000000"})
    unknown = client.get("/api/v1/ideas/BX-2020-999999", headers={"X-Phone": PHONE})
    assert wrong.status_code == unknown.status_code == 404 and _error(wrong) == _error(unknown).replace(
        "BX-2020-999999", receipt)
    assert client.get(f"/api/v1/ideas/{receipt}").status_code == 422  # no X-Phone


def test_answers_after_submission_are_new_versions(client: TestClient, api_container: Any) -> None:
    created = client.post("/api/v1/ideas", json=idea_body("answers-key-1")).json()
    receipt = created["receipt"]
    headers = {"X-Phone": PHONE}
    response = client.post(f"/api/v1/ideas/{receipt}/answers", headers=headers,
                           json={"answers": {"affected": "全小区约200户、500多位老人"}})
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2 and response.json()["redrafted"] is True
    idea = api_container.ideas.by_receipt(receipt)
    draft_id = api_container.ideas.drafts_for(idea.id)[0]
    versions = api_container.ideas.versions(draft_id)
    assert [v.version_no for v in versions] == [1, 2]
    assert versions[0].content.title == created["draft"]["title"], "the submitted version is kept as it was"
    wrong = client.post(f"/api/v1/ideas/{receipt}/answers", headers={"X-Phone": "13800000000"},
                        json={"answers": {"affected": "很多人"}})
    assert wrong.status_code == 404
    bad = client.post(f"/api/v1/ideas/{receipt}/answers", headers=headers, json={"answers": {"who": "x"}})
    assert bad.status_code == 422


def test_staff_routes_need_a_staff_token_and_logout_revokes_it(client: TestClient, api_container: Any) -> None:
    client.post("/api/v1/ideas", json=idea_body("queue-key-01"))
    assert client.get("/api/v1/staff/queue").status_code == 401
    assert client.get("/api/v1/staff/queue", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    member = login(client, Role.MEMBER)
    forbidden = client.get("/api/v1/staff/queue", headers={"Authorization": f"Bearer {member}"})
    assert forbidden.status_code == 403 and "工作人员" in _error(forbidden)
    token = login(client, Role.STAFF)
    auth = {"Authorization": f"Bearer {token}"}
    page = client.get("/api/v1/staff/queue", headers=auth)
    assert page.status_code == 200 and page.json()["total"] >= 1
    row = page.json()["rows"][0]
    detail = client.get(f"/api/v1/staff/ideas/{row['idea_id']}", headers=auth)
    assert detail.status_code == 200 and "citizen" not in detail.text and PHONE not in detail.text
    assert client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    replay = client.get("/api/v1/staff/queue", headers=auth)
    assert replay.status_code == 401 and "重新登录" in _error(replay)


def test_routing_confirmation_through_the_api(client: TestClient, api_container: Any) -> None:
    receipt = client.post("/api/v1/ideas", json=idea_body("routing-key-1")).json()["receipt"]
    idea = api_container.ideas.by_receipt(receipt)
    auth = {"Authorization": f"Bearer {login(client, Role.STAFF)}"}
    detail = client.get(f"/api/v1/staff/ideas/{idea.id}", headers=auth).json()
    lead = next(u["name"] for u in detail["routing"]["units"] if u["role"] == "主办")
    body = {"units": [{"name": lead, "role": "主办"}], "routing_id": detail["routing"]["routing_id"]}
    member = {"Authorization": f"Bearer {login(client, Role.MEMBER)}"}
    assert client.post(f"/api/v1/staff/ideas/{idea.id}/routing", headers=member, json=body).status_code == 403
    done = client.post(f"/api/v1/staff/ideas/{idea.id}/routing", headers=auth, json=body)
    assert done.status_code == 200, done.text
    assert api_container.ideas.idea(idea.id).status.value == "routed"
    unknown = client.post(f"/api/v1/staff/ideas/{idea.id}/routing", headers=auth,
                          json={"units": [{"name": "不存在的单位", "role": "主办"}], "revise": True})
    assert unknown.status_code == 400 and "承办单位目录" in _error(unknown)


def test_token_of_a_disabled_account_or_after_a_password_change_is_refused(
    client: TestClient, api_container: Any
) -> None:
    token = login(client, Role.STAFF)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/staff/queue", headers=auth).status_code == 200
    api_container.accounts.set_password("staff", "another-pass-9")
    assert client.get("/api/v1/staff/queue", headers=auth).status_code == 401
    fresh = client.post("/api/v1/auth/token", json={"username": "staff", "password": "another-pass-9"}).json()
    auth = {"Authorization": f"Bearer {fresh['access_token']}"}
    api_container.accounts.set_active("staff", False)
    assert client.get("/api/v1/staff/queue", headers=auth).status_code == 401


def test_wrong_passwords_lock_the_account(client: TestClient) -> None:
    for _ in range(9):
        wrong = client.post("/api/v1/auth/token", json={"username": "staff", "password": "guess"})
        assert wrong.status_code == 400
    locked = client.post("/api/v1/auth/token", json={"username": "staff", "password": "guess"})
    assert locked.status_code == 429 and "分钟后再试" in _error(locked) and int(locked.headers["Retry-After"]) > 60
    right = client.post("/api/v1/auth/token", json={"username": "staff", "password": "staff-pass-1"})
    assert right.status_code == 429, "locked even for the right password"
    unknown = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "guess"})
    assert unknown.status_code == 400 and _error(unknown) == "用户名或密码不正确，或账号已停用。"


def test_per_address_limits_answer_429_in_chinese(api_data_dir: Any, mini_corpus: Any) -> None:
    limits = LimitsSettings(submissions_per_minute=2, lookups_per_minute=1, logins_per_minute=100)
    container = make_container(api_data_dir, mini_corpus, limits=limits)
    with TestClient(create_app(container)) as client:
        codes = [client.post("/api/v1/ideas", json=idea_body(text="x")).status_code for _ in range(3)]
        assert codes == [400, 400, 429]
        refused = client.post("/api/v1/ideas", json=idea_body())
        assert refused.status_code == 429 and "提交过于频繁" in _error(refused)
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        first = client.get("/api/v1/ideas/BX-2026-000001", headers={"X-Phone": PHONE})
        second = client.get("/api/v1/ideas/BX-2026-000001", headers={"X-Phone": PHONE})
        assert first.status_code == 404 and second.status_code == 429 and "查询过于频繁" in _error(second)


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/ideas", "/api/v1/ideas/{receipt}", "/api/v1/ideas/{receipt}/answers", "/api/v1/auth/token",
            "/api/v1/auth/logout", "/api/v1/staff/queue"} <= set(spec["paths"])
    assert "consent" in spec["components"]["schemas"]["IdeaIn"]["required"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/ideas" in docs.text and "cdn" not in docs.text.lower()


def test_healthz_reports_each_part(client: TestClient) -> None:
    response = client.get("/healthz?fresh=true")
    body = response.json()
    names = [c["name"] for c in body["checks"]]
    assert names == ["数据库", "检索索引", "向量库", "大模型服务"]
    assert response.status_code == 200 and body["ok"] is True, body


def test_every_question_element_can_be_answered() -> None:
    from typing import get_args

    from assistant.cultivation.models import Element
    from assistant.workflow.citizen import ELEMENTS_ZH

    assert set(get_args(Element)) == set(ELEMENTS_ZH), "a new question element needs a Chinese name for answers"


def test_status_shows_the_units_reply_and_the_citizen_rates_it(client: TestClient, api_container: Any) -> None:
    from assistant.accounts import LOCAL_OPERATOR
    from assistant.scheme.models import ReplyEdit

    receipt = client.post("/api/v1/ideas", json=idea_body("key-rating-01")).json()["receipt"]
    early = client.post(f"/api/v1/ideas/{receipt}/rating", json={"rating": "满意"}, headers={"X-Phone": PHONE})
    assert early.status_code == 400 and "答复后" in _error(early)
    idea = api_container.ideas.by_receipt(receipt)
    auth = {"Authorization": f"Bearer {login(client, Role.STAFF)}"}
    detail = client.get(f"/api/v1/staff/ideas/{idea.id}", headers=auth).json()
    lead = next(u["name"] for u in detail["routing"]["units"] if u["role"] == "主办")
    confirm = {"units": [{"name": lead, "role": "主办"}], "routing_id": detail["routing"]["routing_id"]}
    routed = client.post(f"/api/v1/staff/ideas/{idea.id}/routing", headers=auth, json=confirm)
    assert routed.status_code == 200, routed.text
    api_container.scheme.handling.record_reply(
        LOCAL_OPERATOR, idea.id, ReplyEdit(unit=lead, content="已在试点站点施划停放区。"))
    status = client.get(f"/api/v1/ideas/{receipt}", headers={"X-Phone": PHONE}).json()
    assert status["status"] == "replied" and status["can_rate"] is True and status["next_steps"]
    assert status["replies"][0]["unit"] == lead and "停放区" in status["replies"][0]["content"]
    unhappy = client.post(f"/api/v1/ideas/{receipt}/rating", json={"rating": "不满意"}, headers={"X-Phone": PHONE})
    assert unhappy.status_code == 400 and "原因" in _error(unhappy)
    wrong = client.post(f"/api/v1/ideas/{receipt}/rating", json={"rating": "满意"},
                        headers={"X-Phone": "13900000000"})
    assert wrong.status_code == 404
    rated = client.post(f"/api/v1/ideas/{receipt}/rating", json={"rating": "基本满意", "comment": "希望推广到更多站"},
                        headers={"X-Phone": PHONE})
    assert rated.status_code == 201, rated.text
    assert rated.json()["feedback"][0]["rating"] == "基本满意"
    assert [f.rating for f in api_container.scheme.feedback.status(receipt, PHONE).feedback] == ["基本满意"]
