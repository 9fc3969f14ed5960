"""The pages' log-in: a random token only in an HttpOnly SameSite cookie, resolved on every privileged handler;
a replayed Gradio session (its state holds no authority), a logged-out or expired token are refused; downloads
are served only to whoever made them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from assistant.storage.enums import Role
from tests.api.helpers import PASSWORDS
from ui.session import CLIENT_COOKIE, SESSION_COOKIE, LoginSlot


@pytest.fixture
def server(api_container: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio-cache"))
    from baixing.serve import build_server

    return build_server(api_container)


@pytest.fixture
def web(server: Any) -> Iterator[TestClient]:
    with TestClient(server, base_url="http://testserver", raise_server_exceptions=False) as client:
        yield client


class FakeRequest:
    """What a handler sees of a request: cookies, headers, the peer."""

    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.cookies = cookies or {}
        self.headers: dict[str, str] = {}
        self.client = type("Peer", (), {"host": "127.0.0.1"})()


def _handlers(container: Any) -> dict[str, Any]:
    from ui.app import build_app

    app = build_app(container)
    return {f.name: f.fn for f in app.fns.values()}


def _login(web: TestClient, role: Role) -> str:
    response = web.post("/ui/session/login", json={"username": str(role), "password": PASSWORDS[role]},
                        headers={"Origin": "http://testserver"})
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    return str(web.cookies.get(SESSION_COOKIE))


def test_pages_and_api_share_one_app(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200 and "百姓提案培育助手" in page.text
    assert f"{CLIENT_COOKIE}=" in page.headers.get("set-cookie", "") and "HttpOnly" in page.headers["set-cookie"]
    assert web.get("/api/v1/privacy-notice").status_code == 200
    assert web.get("/healthz").status_code == 200


def test_login_sets_a_cookie_and_refuses_cross_site_posts(web: TestClient, api_container: Any) -> None:
    wrong = web.post("/ui/session/login", json={"username": "staff", "password": "nope"})
    assert wrong.status_code == 400 and wrong.json()["message"] == "用户名或密码不正确，或账号已停用。"
    forged = web.post("/ui/session/login", json={"username": "staff", "password": PASSWORDS[Role.STAFF]},
                      headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403 and SESSION_COOKIE not in web.cookies
    token = _login(web, Role.STAFF)
    assert len(token) >= 40 and api_container.sessions.resolve(token).role is Role.STAFF


def test_handlers_resolve_the_cookie_not_the_gradio_state(web: TestClient, api_container: Any) -> None:
    handlers = _handlers(api_container)
    search = handlers["do_search"]
    filters = ["全部", "全部", "全部", "全部", "", "", ""]
    # A replayed Gradio session: the state holds a bare slot; without the cookie nothing is granted.
    with pytest.raises(gr.Error, match="请先以工作人员身份登录"):
        search(LoginSlot(7), FakeRequest(), *filters)
    token = _login(web, Role.STAFF)
    _table, ids, page, _label = search(LoginSlot(1), FakeRequest({SESSION_COOKIE: token}), *filters)
    assert page == 1 and isinstance(ids, list)
    member = _login(web, Role.MEMBER)
    with pytest.raises(gr.Error, match="仅限工作人员"):
        search(LoginSlot(1), FakeRequest({SESSION_COOKIE: member}), *filters)
    # log out: the same cookie value replayed is refused
    web.cookies.clear()
    web.cookies.set(SESSION_COOKIE, token)
    logout = web.post("/ui/session/logout", json={})
    assert logout.status_code == 200 and 'bx_session=""' in logout.headers["set-cookie"]
    with pytest.raises(gr.Error, match="请先以工作人员身份登录"):
        search(LoginSlot(1), FakeRequest({SESSION_COOKIE: token}), *filters)


def test_expired_or_revoked_sessions_end_in_the_pages(web: TestClient, api_container: Any) -> None:
    handlers = _handlers(api_container)
    search = handlers["do_search"]
    filters = ["全部", "全部", "全部", "全部", "", "", ""]
    token = _login(web, Role.STAFF)
    later = api_container.sessions.clock() + timedelta(minutes=api_container.settings.security.session_idle_minutes + 1)
    api_container.sessions.clock = lambda: later
    with pytest.raises(gr.Error, match="请先以工作人员身份登录"):
        search(LoginSlot(1), FakeRequest({SESSION_COOKIE: token}), *filters)
    api_container.sessions.clock = api_container.accounts.clock
    again = _login(web, Role.STAFF)
    api_container.accounts.set_active("staff", False)
    with pytest.raises(gr.Error, match="请先以工作人员身份登录"):
        search(LoginSlot(1), FakeRequest({SESSION_COOKIE: again}), *filters)


def test_downloads_only_for_their_owner(web: TestClient, api_container: Any) -> None:
    from ui.downloads import cache_dir, offer
    from ui.session import _REQUEST

    owner = FakeRequest({CLIENT_COOKIE: "browser-a"})
    token = _REQUEST.set(owner)
    try:
        path = offer(api_container, "百姓提案-BX-2026-000001.docx", b"PK\x03\x04 not really a docx")
    finally:
        _REQUEST.reset(token)
    assert Path(path).stat().st_mode & 0o077 == 0, "0600"
    url = f"/gradio_api/file={path}"
    web.cookies.set(CLIENT_COOKIE, "browser-a")
    assert web.get(url).status_code == 200
    web.cookies.set(CLIENT_COOKIE, "browser-b")
    refused = web.get(url)
    assert refused.status_code == 404 and "无权下载" in refused.json()["error"]["message"]
    web.cookies.clear()
    assert web.get(url).status_code == 404
    upload = Path(cache_dir()) / "someone-else-upload.csv"
    upload.write_text("姓名,电话\n张三,13912345678\n", encoding="utf-8")
    web.cookies.set(CLIENT_COOKIE, "browser-a")
    assert web.get(f"/gradio_api/file={upload}").status_code == 404, "uploads are never served back"


def test_the_pages_count_per_address_limits(api_data_dir: Path, mini_corpus: Path) -> None:
    from assistant.settings import LimitsSettings
    from tests.api.helpers import make_container

    container = make_container(api_data_dir, mini_corpus, limits=LimitsSettings(lookups_per_minute=1))
    lookup = _handlers(container)["on_lookup"]
    visitor = FakeRequest()
    with pytest.raises(gr.Error, match="没有找到"):
        lookup("BX-2026-000001", "13912345678", visitor)
    with pytest.raises(gr.Error, match="查询过于频繁"):
        lookup("BX-2026-000001", "13912345678", visitor)
