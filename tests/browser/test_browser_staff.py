"""The staff main path in headless Chromium: import clues, download the result, confirm a routing, clusters, heat map.

A citizen (not logged in) is refused every staff action.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.storage.enums import Role
from tests.browser.conftest import open_tab

pytestmark = pytest.mark.browser

STAFF_TAB = "工作人员：分办与民意"
BUS = "建议在天河区棠下村口增设公交站点，方便周边上万居民出行，目前最近的站点要走二十分钟。"
CLUES = [
    ["标题", "内容", "姓名"],
    ["增设公交站", BUS, "张三"],
    ["邻里漏水", "楼上邻居装修导致我家天花板漏水，协商不成，请帮我让他赔偿损失。", "李四"],
    ["只有标题没有内容", "", "王五"],
    ["加装电梯", "老旧小区没有电梯，老人上下楼太难了，建议政府统一规划并补贴老旧小区加装电梯。", ""],
    ["公交站（再次反映）", BUS.replace("走", "步行").replace("。", "！"), ""],
]


def toast(page: Any, text: str) -> None:
    """Wait for an error/info message containing ``text``."""
    page.get_by_text(text).first.wait_for(state="visible")


def choose(page: Any, elem_id: str, value: str) -> None:
    """Type a value into a Gradio dropdown and pick it."""
    box = page.locator(f"#{elem_id} input").first
    box.click()
    box.fill(value)
    page.get_by_role("option", name=value, exact=True).first.click()


@pytest.fixture
def clue_file(tmp_path: Path) -> Path:
    path = tmp_path / "线索-浏览器测试.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(CLUES)
    return path


def test_citizen_cannot_use_staff_actions(page: Any) -> None:
    open_tab(page, STAFF_TAB)
    page.locator("#staff-queue-search").click()
    toast(page, "请先以工作人员身份登录")
    page.get_by_role("tab", name="民意热度").click()
    page.locator("#staff-hot-run").click()
    toast(page, "请先以工作人员身份登录")
    assert page.locator("#staff-hot-plot .js-plotly-plot").count() == 0


def test_member_is_refused(page: Any, login: Callable[[Any, Role], None]) -> None:
    login(page, Role.MEMBER)
    open_tab(page, STAFF_TAB)
    page.get_by_role("tab", name="重复线索归并").click()
    page.locator("#staff-clusters-run").click()
    toast(page, "此功能仅限工作人员使用")


def test_staff_main_path(
    page: Any, login: Callable[[Any, Role], None], shot: Callable[..., Path], clue_file: Path, tmp_path: Path
) -> None:
    login(page, Role.STAFF)
    open_tab(page, STAFF_TAB)

    # 1. batch import with progress, result table and downloadable result
    page.get_by_role("tab", name="批量导入线索").click()
    page.locator("#staff-import-start").wait_for(state="visible")
    page.locator("#staff-import-file input[type=file]").set_input_files(str(clue_file))
    # the component shows the name and the extension apart
    page.locator("#staff-import-file").get_by_text(clue_file.stem).first.wait_for()
    page.locator("#staff-import-start").click()
    summary = page.locator("#staff-import-summary")
    summary.get_by_text("导入 4 条").wait_for()
    assert "有问题 1 行" in summary.inner_text()
    table = page.locator("#staff-import-table")
    assert "内容为空" in table.inner_text() and "重复组1" in table.inner_text() and "不受理" in table.inner_text()
    shot(page, "staff-import")
    link = page.locator("#staff-import-result tr").filter(has_text="xlsx").locator("td.download a").first
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "result.xlsx"
    download_info.value.save_as(saved)
    from openpyxl import load_workbook

    rows = list(load_workbook(saved, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "行号", "受理编号") and len(rows) == 6

    # 2. open an item from the queue, edit and confirm its routing
    page.get_by_role("tab", name="待办队列").click()
    choose(page, "staff-filter-scope", "受理（属于百姓提案）")
    page.locator("#staff-queue-search").click()
    first_row = page.locator("#staff-queue-table [role=row][aria-rowindex='2']").first
    first_row.get_by_text("BX-").first.wait_for()
    first_row.get_by_role("gridcell").nth(1).click()
    detail = page.locator("#staff-detail")
    detail.get_by_text("分办建议").first.wait_for()
    assert "理由" in detail.inner_text()
    choose(page, "staff-lead-unit", "广州市交通运输局")
    page.locator("#staff-routing-note textarea").fill("浏览器测试：改由交通运输局主办")
    page.locator("#staff-confirm").click()
    page.locator("#staff-confirm-status").get_by_text("已确认分办").wait_for()
    detail.get_by_text("已确认分办").first.wait_for()
    assert "广州市交通运输局" in detail.inner_text()
    shot(page, "staff-queue")

    # 3. duplicate clusters ("1+N")
    page.get_by_role("tab", name="重复线索归并").click()
    page.locator("#staff-clusters-run").click()
    page.locator("#staff-clusters-summary").get_by_text("组重复").wait_for()
    assert "牵头" in page.locator("#staff-clusters-table").inner_text()

    # 4. hot topics: the plotly heat map renders, rising keywords listed
    page.get_by_role("tab", name="民意热度").click()
    page.locator("#staff-hot-run").click()
    page.locator("#staff-hot-plot .js-plotly-plot").first.wait_for()
    page.locator("#staff-hot-note").get_by_text("统计了").wait_for()
    shot(page, "staff-hot")
