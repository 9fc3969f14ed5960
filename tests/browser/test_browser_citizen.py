"""The citizen's main path in a real browser: idea → verdict → draft → questions → edit → submit → Word."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.browser.conftest import PHONE
from tests.workflow.ideas import IN_SCOPE, OUT_OF_SCOPE

pytestmark = pytest.mark.browser

MAX_NEWCOMER_CLICKS = 7  # six, plus the consent tick the personal information law requires
COLLOQUIAL = "能不能让交警在放学时候来管管"
PHONE_WIDTHS = (360, 390, 414)
TOUCH_PX = 44
MY_POINT = "建议在校门口东侧划出家长临时停车等候区，由学校安排老师值守。"


class Clicks:
    """Counts every click a test makes, so the newcomer path can be held to its budget."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator: Any) -> None:
        locator.click()
        self.count += 1


def box(page: Any, elem_id: str) -> Any:
    """The textarea/input inside a Gradio Textbox."""
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def wait_for_draft(page: Any) -> str:
    """Wait until the draft title box is filled; return the title."""
    title = box(page, "citizen-title")
    title.wait_for(state="visible")
    page.wait_for_function(
        "() => { const e = document.querySelector('#citizen-title textarea, #citizen-title input');"
        " return e && e.value.startsWith('关于'); }"
    )
    return str(title.input_value())


def docx_text(path: Path) -> str:
    document = Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def assert_official_word_file(path: Path) -> None:
    """A4 (GB/T 9704) with a Chinese East Asian font on the body style."""
    document = Document(io.BytesIO(path.read_bytes()))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def page_width(page: Any) -> dict[str, int]:
    """Document scroll width and the viewport's inner width, in CSS pixels."""
    return dict(page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"))


def small_controls(page: Any) -> list[str]:
    """Visible buttons and text inputs of the citizen page lower than the touch size."""
    return list(page.evaluate(
        """(min) => [...document.querySelectorAll('#tab-citizen button, #tab-citizen input[type=text],'
           + ' #tab-citizen textarea, #role-tabs > .tab-wrapper button')]
           .filter(e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1 && r.height < min; })
           .map(e => (e.id || e.textContent || e.tagName).trim().slice(0, 20) + ' '
                     + e.getBoundingClientRect().height)""",
        TOUCH_PX,
    ))


def test_newcomer_goes_from_idea_to_word_in_seven_clicks(page: Any, shot: Callable[..., Path], tmp_path: Path) -> None:
    clicks = Clicks()
    clicks.click(box(page, "citizen-idea"))
    box(page, "citizen-idea").fill(IN_SCOPE)
    clicks.click(page.locator("#citizen-check"))
    title = wait_for_draft(page)
    page.get_by_text("属于“百姓提案”范围").first.wait_for()
    clicks.click(box(page, "citizen-name"))
    box(page, "citizen-name").fill("张三")
    clicks.click(box(page, "citizen-phone"))
    box(page, "citizen-phone").fill("13912345678")
    clicks.click(page.locator("#citizen-consent").locator("input"))
    clicks.click(page.locator("#citizen-submit"))
    page.locator("#citizen-receipt").get_by_text("BX-").first.wait_for()
    with page.expect_download() as download:
        clicks.click(page.locator("#citizen-download"))
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".docx" and saved.name.startswith("百姓提案-BX-")
    text = docx_text(saved)
    assert title in text and "张三" in text
    assert clicks.count <= MAX_NEWCOMER_CLICKS
    assert_official_word_file(saved)


def test_full_path_with_questions_edits_and_status(page: Any, shot: Callable[..., Path]) -> None:
    box(page, "citizen-idea").fill(IN_SCOPE)
    page.locator("#citizen-check").click()
    wait_for_draft(page)
    verdict = page.locator("#citizen-verdict")
    assert "所属领域" in verdict.inner_text()
    sources = page.locator("#citizen-sources").inner_text()
    assert "草稿依据" in sources
    shot(page, "citizen-verdict")

    first_answer = box(page, "citizen-answer-1")
    first_answer.wait_for(state="visible")
    # the citizen edits the draft, then answers: the redraft keeps the edit
    suggestions = box(page, "citizen-suggestions")
    suggestions.fill(suggestions.input_value() + "\n" + MY_POINT)
    first_answer.fill("每天放学时约有三百名学生在校门口等候，周边道路只有两条车道。")
    page.locator("#citizen-redraft").click()
    page.locator("#citizen-status").get_by_text("原样保留").wait_for()
    assert MY_POINT in box(page, "citizen-suggestions").input_value()
    suggestions = box(page, "citizen-suggestions")
    suggestions.fill(suggestions.input_value() + "\n建议市教育局组织家长志愿者在放学时段协助疏导。")
    box(page, "citizen-title").click()  # leaving the box saves the edit
    page.locator("#citizen-status").get_by_text("已自动保存").wait_for()
    shot(page, "citizen-draft")

    box(page, "citizen-name").fill("李四")
    box(page, "citizen-phone").fill("020-83838383")
    page.locator("#citizen-submit").click()  # without the consent tick: refused, nothing stored
    page.get_by_text("个人信息处理说明").first.wait_for()
    page.locator("#citizen-consent").locator("input").check()
    page.locator("#citizen-submit").click()
    receipt = page.locator("#citizen-receipt")
    receipt.get_by_text("提交成功").wait_for()
    found = re.search(r"BX-\d{4}-\d{6}", receipt.inner_text())
    assert found is not None
    shot(page, "citizen-receipt")

    page.locator("#citizen-status-box").get_by_text("查询办理进度").first.click()
    assert box(page, "citizen-receipt-no").input_value() == found.group(0)  # filled in for the citizen
    box(page, "citizen-lookup-phone").fill("020-8383 8383")
    page.locator("#citizen-lookup").click()
    result = page.locator("#citizen-lookup-result")
    result.get_by_text("已提交").first.wait_for()
    assert "李四" not in result.inner_text()

    page.locator("#citizen-submit").click()  # a second submission is refused with a readable message
    page.get_by_text("已经提交过了").first.wait_for()
    box(page, "citizen-title").fill("改过的标题：提交后不能再改")  # submitted means frozen
    box(page, "citizen-name").click()
    page.get_by_text("提交后的内容不再修改").first.wait_for()


def test_out_of_scope_idea_shows_channel_and_reframe(page: Any, shot: Callable[..., Path]) -> None:
    box(page, "citizen-idea").fill(OUT_OF_SCOPE)
    page.locator("#citizen-check").click()
    verdict = page.locator("#citizen-verdict")
    verdict.get_by_text("不属于“百姓提案”范围").wait_for()
    text = verdict.inner_text()
    assert "类别" in text and "原因" in text and "建议您前往" in text and "12345" in text
    assert not page.locator("#citizen-title").is_visible()
    shot(page, "citizen-out-of-scope")
    page.locator("#citizen-reframe").click()
    page.wait_for_function(
        "() => document.querySelector('#citizen-idea textarea').value.includes('建议')"
    )
    reframed = box(page, "citizen-idea").input_value()
    assert OUT_OF_SCOPE in reframed and reframed.index(OUT_OF_SCOPE) > 0  # the story stays, after the reframing
    page.wait_for_function("() => !document.querySelector('#citizen-verdict').innerText.includes('不属于')")
    page.locator("#citizen-check").click()
    wait_for_draft(page)
    assert "不属于" not in page.locator("#citizen-verdict").inner_text()


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_phone_widths_have_no_sideways_scrolling(browser: Any, app_url: str, width: int) -> None:
    from tests.browser.conftest import open_app

    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN")
    try:
        page = context.new_page()
        open_app(page, app_url)
        size = page_width(page)
        # is_mobile: a too-wide page would widen the layout viewport itself, so compare with the device width
        assert size["inner"] == width and size["scroll"] <= width, size
        assert small_controls(page) == []
    finally:
        context.close()


def test_phone_newcomer_path_to_word(phone_page: Any, shot: Callable[..., Path], tmp_path: Path) -> None:
    page = phone_page
    assert page_width(page) == {"scroll": PHONE["width"], "inner": PHONE["width"]}
    # the role tabs collapse into a 「切换身份」 menu that works by touch
    menu = page.locator("#role-tabs .overflow-menu > button").first
    menu.wait_for(state="visible")
    assert menu.get_attribute("aria-label") == "切换身份"
    box(page, "citizen-idea").tap()
    box(page, "citizen-idea").fill(IN_SCOPE)
    button = page.locator("#citizen-check")
    size = button.bounding_box()
    assert size is not None and size["height"] >= TOUCH_PX and size["width"] >= 0.8 * PHONE["width"]
    button.tap()
    wait_for_draft(page)
    box(page, "citizen-name").fill("王五")
    box(page, "citizen-phone").fill("13800138000")
    page.locator("#citizen-consent").locator("input").tap()
    page.locator("#citizen-submit").tap()
    page.locator("#citizen-receipt").get_by_text("BX-").first.wait_for()
    assert small_controls(page) == []
    size_after = page_width(page)
    assert size_after["scroll"] <= PHONE["width"], size_after
    shot(page, "citizen-phone")
    with page.expect_download() as download:
        page.locator("#citizen-download").tap()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert "王五" in docx_text(saved)
    assert_official_word_file(saved)


def test_phone_tab_menu_switches_roles(phone_page: Any) -> None:
    page = phone_page
    page.locator("#role-tabs .overflow-menu > button").first.tap()
    item = page.locator("#role-tabs .overflow-dropdown button", has_text="委员：打磨提案").first
    item.wait_for(state="visible")
    box_ = item.bounding_box()
    assert box_ is not None and box_["height"] >= TOUCH_PX
    item.tap()
    page.locator("#member-ref").wait_for(state="visible")
    assert page_width(page)["scroll"] <= PHONE["width"]


def test_large_text_switch_is_remembered(phone_page: Any, shot: Callable[..., Path]) -> None:
    page = phone_page

    def font_px(selector: str) -> float:
        script = "(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)"
        return float(page.evaluate(script, selector))

    normal = font_px("#tab-citizen .prose")
    page.locator("#a11y-large").locator("input").tap()
    page.wait_for_function("() => document.body.classList.contains('bx-large')")
    assert font_px("#tab-citizen .prose") > normal
    assert font_px("#tab-citizen .prose") >= 18 and font_px("#citizen-idea textarea") >= 18
    # black on white, the highest contrast (colours may animate: wait for the end state)
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#tab-citizen .prose p')).color === 'rgb(0, 0, 0)'")
    # larger controls (buttons animate their size, so wait for the end state rather than reading it at once)
    page.wait_for_function("() => document.querySelector('#citizen-check').getBoundingClientRect().height >= 52")
    assert page_width(page)["scroll"] <= PHONE["width"]
    shot(page, "citizen-phone-large")
    page.reload()
    page.locator("#role-tabs").first.wait_for(state="visible")
    page.wait_for_function("() => document.body.classList.contains('bx-large')")  # kept for the session
    page.wait_for_function("() => document.querySelector('#a11y-large input').checked")


def test_empty_and_huge_ideas_show_chinese_messages_and_keep_text(page: Any) -> None:
    page.locator("#citizen-check").click()
    page.get_by_text("请填写金点子内容").first.wait_for()
    toast = page.locator(".toast-body").first
    toast.wait_for(state="visible")
    assert "提示" in toast.inner_text() and "Error" not in toast.inner_text()  # a Chinese heading, not "Error"
    huge = "老旧小区加装电梯的建议。" * 2000
    box(page, "citizen-idea").fill(huge)
    page.locator("#citizen-check").click()
    page.get_by_text("太长了").first.wait_for()
    assert box(page, "citizen-idea").input_value() == huge
    assert "Traceback" not in page.content()
