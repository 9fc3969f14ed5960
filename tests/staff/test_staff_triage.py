"""Batch import of clues: CSV (UTF-8 and GBK) and XLSX, bad rows with line numbers, duplicates, result file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.accounts import UserSession
from assistant.errors import InputError
from assistant.staff import StaffServices
from assistant.staff.export import COLUMNS
from assistant.storage.enums import IdeaSource, IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.repositories import IdeaRepository, RoutingRepository, ScreeningRepository
from tests.staff.conftest import add_items

BUS = "建议在天河区棠下村口增设公交站点，方便周边上万居民出行，目前最近的站点要走二十分钟。"
BUS_AGAIN = "建议在天河区棠下村口增设公交站点，方便周边上万居民出行，目前最近的站点要步行二十分钟！"
NEIGHBOUR = "楼上邻居装修导致我家天花板漏水，协商不成，请帮我让他赔偿损失。"
ELEVATOR = "老旧小区没有电梯，老人上下楼太难了，建议政府统一规划并补贴老旧小区加装电梯。"
ROWS = [
    ["标题", "内容", "姓名", "电话"],
    ["增设公交站", BUS, "张三", "13800000000"],
    ["邻里漏水", NEIGHBOUR, "李四", ""],
    ["", "", "王五", ""],
    ["太短", "路灯坏", "", ""],
    ["加装电梯", ELEVATOR, "", ""],
    ["公交站（再次反映）", BUS_AGAIN, "", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_csv_is_imported_screened_routed_and_deduplicated(
    staff: StaffServices, database: Any, staff_user: UserSession, tmp_path: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    report = staff.triage.triage_file(
        staff_user, write_csv(tmp_path / "线索.csv", ROWS), progress=lambda *a: calls.append(a)
    )
    assert (report.read, report.imported, report.failed) == (6, 4, 2)
    by_line = {r.line: r for r in report.rows}
    assert by_line[4].error and "为空" in by_line[4].error and by_line[4].idea_id is None
    assert by_line[5].error and "太短" in by_line[5].error
    assert by_line[2].in_scope and by_line[2].main_unit and by_line[2].domain
    assert by_line[3].in_scope is False and by_line[3].category and by_line[3].redirect
    assert by_line[2].duplicate_group == by_line[7].duplicate_group is not None
    assert by_line[2].duplicates[0].kind == "row" and by_line[2].duplicates[0].ref == "7"
    assert by_line[6].duplicate_group is None and report.duplicate_groups == 1
    assert calls[-1][0] == calls[-1][1] == 4

    with database.session() as session:
        idea = IdeaRepository(session).require(by_line[2].idea_id)
        assert idea.source is IdeaSource.IMPORT and idea.import_row == 2 and idea.status is IdeaStatus.SCREENED
        assert idea.citizen_name == "张三" and idea.domain == by_line[2].domain
        assert ScreeningRepository(session).latest(idea.id).details["routing"]["committee"]
        assert RoutingRepository(session).latest(idea.id).suggested_units[0]["role"] == "主办"
        assert RoutingRepository(session).latest(by_line[3].idea_id) is None

    sheet = load_workbook(report.result_path, read_only=True).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == COLUMNS and len(table) == 7
    assert table[1][COLUMNS.index("是否受理")] == "受理" and table[1][COLUMNS.index("主办单位")]
    assert table[3][COLUMNS.index("是否受理")] == "无法处理" and "为空" in table[3][COLUMNS.index("说明")]
    assert Path(report.result_path).with_suffix(".csv").read_text(encoding="utf-8-sig").startswith("序号,行号")

    with pytest.raises(ConflictError, match="已导入过"):
        staff.triage.triage_file(staff_user, tmp_path / "线索.csv")


def test_gbk_csv_and_duplicates_of_earlier_ideas_and_past_items(
    staff: StaffServices, database: Any, shipped_items: dict[str, Any], tmp_path: Path
) -> None:
    item = next(iter(shipped_items.values()))
    add_items(database, [item])
    with database.session() as session:
        earlier = IdeaRepository(session).create(ELEVATOR, status="screened")
        earlier_no = earlier.receipt_no
    rows = [["主题", "留言详情"], [item["title"], item["text"]], ["电梯", ELEVATOR], ["公交", BUS]]
    report = staff.triage.triage_file(OP, write_csv(tmp_path / "gbk.csv", rows, encoding="gbk"))
    assert report.imported == 3 and report.failed == 0
    first, second, third = report.rows
    assert first.title == item["title"] and first.duplicates[0].kind == "item" and first.duplicates[0].ref == item["id"]
    assert second.duplicates[0].kind == "idea" and second.duplicates[0].ref == earlier_no
    assert third.duplicates == [] and len({first.duplicate_group, second.duplicate_group}) == 2


def test_xlsx_import(staff: StaffServices, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in [["序号", "标题", "内容"], [1, "加装电梯", ELEVATOR], [2, "公交", BUS], [3, None, None]]:
        sheet.append(row)
    path = tmp_path / "clues.xlsx"
    workbook.save(path)
    report = staff.triage.triage_file(OP, path)
    assert report.imported == 2 and [r.line for r in report.rows if r.error] == [4]
    assert all(r.receipt_no and r.receipt_no.startswith("BX-") for r in report.rows if not r.error)


def test_unusable_files_get_chinese_errors(staff: StaffServices, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="内容列"):
        staff.triage.triage_file(OP, write_csv(tmp_path / "no-text.csv", [["标题", "备注"], ["公交", "无"]]))
    with pytest.raises(InputError, match="没有数据行"):
        staff.triage.triage_file(OP, write_csv(tmp_path / "header-only.csv", [["标题", "内容"]]))
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="Excel"):
        staff.triage.triage_file(OP, tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match="不支持"):
        staff.triage.triage_file(OP, write_csv(tmp_path / "clues.pdf", [["内容"], [BUS]]))
