"""Each role as people really use it: staff see everything they act on (draft, verdict, routing, committee,
channel, duplicates, contact details on request), a member on a phone, an evaluator's Chinese metric names, and
退出登录 leaving nothing on screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.storage.enums import Role
from tests.browser.conftest import PHONE, field, open_app
from tests.workflow.ideas import IN_SCOPE

pytestmark = pytest.mark.browser

STAFF_TAB = "工作人员：分办与民意"
NAME, PHONE_NO, JOB, ADDRESS = "赵六", "13700002222", "退休教师", "广州市越秀区某街道"


@pytest.fixture(scope="module")
def submission(browser: Any, app_url: str) -> Iterator[dict[str, str]]:
    """A web submission with every contact field, made on the citizen page; yields receipt number and title."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(90_000)
    page = context.new_page()
    try:
        open_app(page, app_url)
        field(page, "citizen-idea").fill(IN_SCOPE)
        page.locator("#citizen-check").click()
        page.wait_for_function(
            "() => (document.querySelector('#citizen-title textarea, #citizen-title input') || {}).value"
            "?.startsWith('关于')")
        title = str(field(page, "citizen-title").input_value())
        for elem_id, value in (("citizen-name", NAME), ("citizen-phone", PHONE_NO), ("citizen-occupation", JOB),
                               ("citizen-address", ADDRESS)):
            field(page, elem_id).fill(value)
        page.locator("#citizen-consent").locator("input").check()
        page.locator("#citizen-submit").click()
        receipt = page.locator("#citizen-receipt")
        receipt.get_by_text("提交成功").wait_for()
        found = re.search(r"BX-\d{4}-\d{6}", receipt.inner_text())
        assert found is not None
        yield {"receipt_no": found.group(0), "title": title}
    finally:
        context.close()


def log_out(page: Any) -> None:
    """Click 退出登录 and wait for the reloaded, logged-out page."""
    logout = page.locator("#logout-button")
    if not logout.is_visible():
        page.locator("#login-box").get_by_text("委员 / 工作人员 / 评估人员登录").first.click()
    with page.expect_navigation():
        logout.click()
    page.locator("#role-tabs").first.wait_for(state="visible")


def open_via_menu(page: Any, name: str) -> None:
    """On a phone: pick a role from the 「切换身份」 menu."""
    page.locator("#role-tabs .overflow-menu > button").first.tap()
    page.locator("#role-tabs .overflow-dropdown button", has_text=name).first.tap()


def test_staff_detail_shows_everything_and_logout_clears_it(
    page: Any, submission: dict[str, str], login: Callable[[Any, Role], None],
    open_tab: Callable[[Any, str], None], shot: Callable[..., Path],
) -> None:
    login(page, Role.STAFF)
    open_tab(page, STAFF_TAB)
    field(page, "staff-open-receipt").fill(submission["receipt_no"])
    page.locator("#staff-open-button").click()
    detail = page.locator("#staff-detail")
    detail.get_by_text("提案草稿").first.wait_for()
    text = detail.inner_text()
    assert submission["receipt_no"] in text and submission["title"] in text
    for heading in ("市民原文", "情况分析", "具体建议", "范围审查", "理由", "分办建议", "主办", "对口专委会",
                    "处理通道", "疑似重复", "状态记录"):
        assert heading in text, heading
    # a web submission gets committee and channel like an import
    assert re.search(r"对口专委会：\S+", text) and re.search(r"处理通道：\S+", text)
    # contact details only on request
    assert PHONE_NO not in page.locator("#tab-staff").inner_text() and ADDRESS not in text
    page.locator("#staff-contact-button").click()
    contact = page.locator("#staff-contact")
    contact.get_by_text(PHONE_NO).wait_for()
    shown = contact.inner_text()
    assert NAME in shown and JOB in shown and ADDRESS in shown and "已记录" in shown
    shot(page, "staff-detail")

    log_out(page)
    assert submission["receipt_no"] not in page.locator("body").inner_text()
    open_tab(page, STAFF_TAB)
    detail = page.locator("#staff-detail")
    detail.get_by_text("在上表中点击一行").wait_for()
    assert submission["receipt_no"] not in page.locator("#tab-staff").inner_text()
    assert PHONE_NO not in page.locator("#tab-staff").inner_text()
    # the server-side session ended too: staff actions are refused
    page.locator("#staff-queue-search").click()
    page.get_by_text("请先以工作人员身份登录").first.wait_for()


def test_contact_details_need_staff(page: Any, open_tab: Callable[[Any, str], None]) -> None:
    open_tab(page, STAFF_TAB)
    page.locator("#staff-contact-button").click()
    page.get_by_text("请先以工作人员身份登录").first.wait_for()


def test_member_on_a_phone_and_logout_clears_the_draft(
    phone_page: Any, submission: dict[str, str], login: Callable[[Any, Role], None], shot: Callable[..., Path],
) -> None:
    page = phone_page
    login(page, Role.MEMBER)
    open_via_menu(page, "委员：打磨提案")
    field(page, "member-ref").fill(submission["receipt_no"])
    page.locator("#member-open").tap()
    credited = page.locator("#member-credited")
    credited.get_by_text(NAME).wait_for()
    assert submission["title"] in page.locator("#member-draft").inner_text()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    shot(page, "member-phone")

    log_out(page)
    body = page.locator("body").inner_text()
    assert NAME not in body and submission["receipt_no"] not in body
    open_via_menu(page, "委员：打磨提案")
    field(page, "member-ref").wait_for(state="visible")
    assert not page.locator("#member-work").is_visible()
    assert NAME not in page.locator("body").inner_text()


def test_evaluator_sees_chinese_metric_names(
    page: Any, login: Callable[[Any, Role], None], open_tab: Callable[[Any, str], None], shot: Callable[..., Path],
) -> None:
    login(page, Role.EVALUATOR)
    open_tab(page, "评估")
    page.locator("#eval-run-button").click()
    page.locator("#eval-status").get_by_text("评测完成").wait_for()
    table = page.locator("#eval-aggregates")
    headers = table.locator("thead").inner_text()
    assert "分组" in headers and "样本数" in headers and "准确率" in headers
    assert not re.search(r"\b(accuracy|balanced|n|oos_recall|false_reject|latency_p50_ms)\b", headers)
    assert "离线规则" in page.locator("#eval-status").inner_text()
    shot(page, "evaluator")

    log_out(page)
    open_tab(page, "评估")
    page.locator("#eval-run-button").wait_for(state="visible")
    assert "评测完成" not in page.locator("#tab-evaluator").inner_text()
