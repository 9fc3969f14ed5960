"""The member's main path in a real browser: open a submission, rubric, accept/reject edits, versions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.storage.enums import Role
from tests.workflow.ideas import IN_SCOPE

pytestmark = pytest.mark.browser

COLLOQUIAL = ["能不能管管校门口乱停车的问题", "出钱在门口搞一个接送区"]


def box(page: Any, elem_id: str) -> Any:
    """The textarea/input inside a Gradio Textbox."""
    return page.locator(f"#{elem_id}").locator("textarea, input").first


@pytest.fixture(scope="module")
def receipt_no(browser: Any, app_url: str) -> Iterator[str]:
    """A citizen submission made through the citizen page; yields its receipt number."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(90_000)
    page = context.new_page()
    try:
        page.goto(app_url)
        page.locator("#role-tabs").first.wait_for()
        box(page, "citizen-idea").fill(IN_SCOPE)
        page.locator("#citizen-check").click()
        box(page, "citizen-name").fill("王五")
        box(page, "citizen-phone").fill("13800001111")
        page.locator("#citizen-consent").locator("input").check()
        page.locator("#citizen-submit").click()
        receipt = page.locator("#citizen-receipt")
        receipt.get_by_text("提交成功").wait_for()
        found = re.search(r"BX-\d{4}-\d{6}", receipt.inner_text())
        assert found is not None
        yield found.group(0)
    finally:
        context.close()


def open_member_tab(page: Any, open_tab: Callable[[Any, str], None]) -> None:
    open_tab(page, "委员：打磨提案")
    box(page, "member-ref").wait_for(state="visible")


def test_member_polishes_a_submission(
    page: Any, receipt_no: str, login: Callable[[Any, Role], None], open_tab: Callable[[Any, str], None],
    shot: Callable[..., Path],
) -> None:
    login(page, Role.MEMBER)
    open_member_tab(page, open_tab)
    page.locator("#member-refresh").click()
    page.locator("#member-status").get_by_text("条市民提交").wait_for()
    box(page, "member-ref").fill(receipt_no)
    page.locator("#member-open").click()
    credited = page.locator("#member-credited")
    credited.get_by_text("王五").wait_for()
    assert receipt_no in credited.inner_text()

    page.locator("#member-manual").get_by_text("手动修改").first.click()
    suggestions = box(page, "member-suggestions")
    suggestions.fill(suggestions.input_value() + "\n" + "\n".join(COLLOQUIAL))
    page.locator("#member-save").click()
    page.locator("#member-status").get_by_text("已保存为第").wait_for()

    page.locator("#member-polish").click()
    rubric = page.locator("#member-rubric")
    rubric.get_by_text("质量评分").wait_for()
    for name in ("选题聚焦", "情况准确", "分析深入", "建议具体可行", "格式规范"):
        assert name in rubric.inner_text()
    choices = page.locator("#member-accept label")
    choices.first.wait_for()
    assert choices.count() >= 2
    accepted = choices.nth(0).inner_text().split("：", 1)[0].strip()
    rejected = choices.nth(1).inner_text().split("：", 1)[0].strip()
    choices.nth(0).click()
    shot(page, "member-polish")

    page.locator("#member-apply").click()
    history = page.locator("#member-history")
    history.get_by_text(f"采纳修改建议 {accepted}").wait_for()
    assert f"未采纳 {rejected}" in history.inner_text() or rejected in history.inner_text()
    assert "王五" in page.locator("#member-credited").inner_text()  # 群众署名 kept
    assert "王五" in page.locator("#member-draft").inner_text()

    page.locator("#member-compare").click()
    page.locator("#member-diff").locator("code, pre").first.wait_for()
    shot(page, "member-history")

    page.locator("#member-duplicates").click()
    page.locator("#member-duplicate-report").get_by_text("重复检查").wait_for()


def test_non_members_are_refused_server_side(
    page: Any, login: Callable[[Any, Role], None], open_tab: Callable[[Any, str], None]
) -> None:
    open_member_tab(page, open_tab)
    box(page, "member-ref").fill("1")
    page.locator("#member-open").click()
    page.get_by_text("请先以委员身份登录").first.wait_for()
    assert not page.locator("#member-draft").is_visible()

    login(page, Role.STAFF)
    open_member_tab(page, open_tab)
    box(page, "member-ref").fill("1")
    page.locator("#member-open").click()
    page.get_by_text("此功能仅限委员使用").first.wait_for()
    assert not page.locator("#member-draft").is_visible()
