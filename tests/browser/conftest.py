"""Browser-test fixtures: the REAL app served by a subprocess, driven by headless Debian Chromium.

* ``app_server`` (session): copies the indexed mini data dir, creates one account per role (``ACCOUNTS``),
  runs ``python -m baixing serve`` on a free port with ``BAIXING_*`` pointing at that dir, waits until the
  page is served and stops it at the end. Its log is attached to every failing browser test.
* ``app_url`` / ``app_settings``: where it serves, and the settings of its data dir (DB-only use from tests).
* ``browser`` (session, headless ``/usr/bin/chromium``), ``page`` (new context per test, zh-CN, 1280×900, app
  loaded) and ``phone_page`` (390×844, touch).
* ``login(page, role)``, ``open_tab(page, name)`` and ``shot(page, name)`` helpers (also as fixtures);
  screenshots go to ``BAIXING_ARTIFACTS_DIR`` (default ``<repo>/.ci/artifacts/screenshots``).

Without ``/usr/bin/chromium`` the tests are skipped, unless ``BAIXING_TEST_BROWSER_REQUIRED=1`` (then they fail).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import REPO_ROOT, LLMSettings, Settings, test_settings
from assistant.storage.enums import Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
REQUIRED = os.environ.get("BAIXING_TEST_BROWSER_REQUIRED") == "1"
EXTERNAL_APP_URL = os.environ.get("BAIXING_TEST_APP_URL")
"""Debugging aid: drive an app that is already running (with the ``ACCOUNTS`` created) instead of starting one."""
# Read at import time: the suite's autouse fixture clears BAIXING_* variables around each test.
ARTIFACTS_DIR = Path(os.environ.get("BAIXING_ARTIFACTS_DIR") or REPO_ROOT / ".ci" / "artifacts" / "screenshots")
SERVER_START_TIMEOUT_S = 180.0
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
UI_TIMEOUT_MS = 90_000

ACCOUNTS: dict[Role, tuple[str, str]] = {
    Role.MEMBER: ("weiyuan", "member-pass-1"),
    Role.STAFF: ("gongzuo", "staff-pass-1"),
    Role.EVALUATOR: ("pinggu", "evaluator-pass-1"),
    Role.ADMIN: ("guanli", "admin-pass-1"),
}
"""Username and password of the account created for each role."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Attach the server's log to a failing browser test."""
    outcome = yield
    report = outcome.get_result()
    log_path = getattr(item.config, "_baixing_server_log", None)
    if report.failed and log_path is not None and Path(log_path).is_file():
        text = Path(log_path).read_text(encoding="utf-8", errors="replace")
        report.sections.append(("app server log (tail)", text[-8000:]))


# --- the served app --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path, corpus_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIXING_") or k.startswith("BAIXING_TEST_")}
    env.update(
        BAIXING_PROFILE="test",
        BAIXING_DATA_DIR=str(data_dir),
        BAIXING_CORPUS_DIR=str(corpus_dir),
        BAIXING_LLM__MODE="offline",
        BAIXING_EMBEDDING__MODE="offline",
        # Every browser of the suite comes from 127.0.0.1: the per-address limits are raised like a load test's.
        BAIXING_LIMITS__SUBMISSIONS_PER_MINUTE="10000",
        BAIXING_LIMITS__LOOKUPS_PER_MINUTE="10000",
        BAIXING_LIMITS__UPLOADS_PER_MINUTE="10000",
        BAIXING_LIMITS__LOGINS_PER_MINUTE="10000",
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


def _served(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until_served(url: str, process: subprocess.Popen[bytes], log_path: Path, timeout_s: float) -> float:
    """Seconds until ``url`` answers 200; fails with the server log if it exits or times out."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if process.poll() is not None:
            log = log_path.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"app server exited with {process.returncode}:\n{log[-8000:]}")
        if _served(url):
            return time.perf_counter() - start
        time.sleep(0.2)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    pytest.fail(f"app server not served within {timeout_s:.0f} s:\n{log[-8000:]}")


def start_server(data_dir: Path, corpus_dir: Path, log_path: Path, port: int) -> subprocess.Popen[bytes]:
    """``python -m baixing serve`` on 127.0.0.1:port, output to ``log_path``."""
    cmd = [sys.executable, "-m", "baixing", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            cmd, cwd=str(data_dir.parent), env=_server_env(data_dir, corpus_dir), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server (and only it), killing it when it does not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory: pytest.TempPathFactory, indexed_data_dir: Path, mini_corpus: Path) -> Settings:
    """Settings of the served app's data dir: a copy of the indexed mini data dir with one account per role."""
    from assistant.accounts import AccountService
    from assistant.storage.db import open_database

    data_dir = tmp_path_factory.mktemp("browser-app") / "var"
    shutil.copytree(indexed_data_dir, data_dir)
    settings = test_settings(data_dir, corpus_dir=mini_corpus, llm=LLMSettings(mode="offline"))
    accounts = AccountService(open_database(settings.database_url))
    for role, (username, password) in ACCOUNTS.items():
        accounts.create(username, f"测试{username}", role, password)
    return settings


@pytest.fixture(scope="session")
def app_server(
    request: pytest.FixtureRequest, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The real app served by a subprocess; yields its URL."""
    if EXTERNAL_APP_URL:
        yield EXTERNAL_APP_URL
        return
    log_path = tmp_path_factory.mktemp("browser-log") / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    process = start_server(app_settings.data_dir, app_settings.corpus_dir, log_path, port)
    request.config._baixing_server_log = log_path  # type: ignore[attr-defined]
    try:
        wait_until_served(url, process, log_path, SERVER_START_TIMEOUT_S)
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def app_url(app_server: str) -> str:
    """URL of the served app."""
    return app_server


# --- the browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (never ``playwright install``)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-zenhei)"
        if REQUIRED:
            pytest.fail(message + " and BAIXING_TEST_BROWSER_REQUIRED=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _new_page(browser: Any, app_url: str, **context_args: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True, **context_args)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    try:
        open_app(page, app_url)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh desktop-sized context (zh-CN) with the app loaded."""
    yield from _new_page(browser, app_url, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh phone-sized (390×844, touch) context with the app loaded."""
    yield from _new_page(browser, app_url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


# --- helpers ---------------------------------------------------------------------------------------
def open_app(page: Any, app_url: str) -> None:
    """Load the app and wait until Gradio has rendered the role tabs."""
    page.goto(app_url, wait_until="domcontentloaded")
    page.locator("#role-tabs").first.wait_for(state="visible")


def field(page: Any, elem_id: str) -> Any:
    """The input/textarea inside a Gradio Textbox with ``elem_id``."""
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def open_tab(page: Any, name: str) -> None:
    """Select a top-level tab by its (Chinese) label."""
    page.get_by_role("tab", name=name).first.click()


def login(page: Any, role: Role | str) -> None:
    """Log in as the test account of ``role`` and wait for the banner to confirm it."""
    username, password = ACCOUNTS[Role(role)]
    username_box = field(page, "login-username")
    if not username_box.is_visible():
        page.locator("#login-box").get_by_text("委员 / 工作人员 / 评估人员登录").first.click()
    username_box.fill(username)
    field(page, "login-password").fill(password)
    page.locator("#login-button").click()
    page.locator("#login-banner").get_by_text(f"用户名 {username}").wait_for(state="visible")


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    """Save a PNG screenshot under the artifacts dir and return its path."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(name="login")
def login_fixture() -> Callable[[Any, Role | str], None]:
    """The :func:`login` helper."""
    return login


@pytest.fixture(name="shot")
def shot_fixture() -> Callable[..., Path]:
    """The :func:`shot` helper."""
    return shot


@pytest.fixture(name="open_tab")
def open_tab_fixture() -> Callable[[Any, str], None]:
    """The :func:`open_tab` helper."""
    return open_tab
