"""The scheme commands end to end: triage → routing → replies → overdue → digest → select → members' report."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assistant.clock import CHINA_TZ
from assistant.settings import LLMSettings, test_settings
from assistant.staff.export import COLUMNS
from assistant.staff.models import RoutingEdit, UnitChoice
from assistant.storage.enums import Role
from baixing.main import main
from tests.scheme.conftest import BUS, LAMP, NEIGHBOUR, PENSION


@pytest.fixture
def cli_container(tmp_path: Path, indexed_data_dir: Path, mini_corpus: Path) -> Any:
    """A container over a private copy of the indexed mini data dir (offline engines)."""
    from assistant.container import Container

    data_dir = tmp_path / "var"
    shutil.copytree(indexed_data_dir, data_dir)
    return Container(test_settings(data_dir, corpus_dir=mini_corpus, llm=LLMSettings(mode="offline")))


def test_scheme_commands(cli_container: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = cli_container
    clues = tmp_path / "线索.csv"
    with clues.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["标题", "内容", "姓名", "电话"], ["公交站", BUS, "陈大文", "13800001111"],
                                  ["路灯", LAMP, "李明", "13800002222"], ["漏水", NEIGHBOUR, "赵六", "13800003333"],
                                  ["养老金", PENSION, "王五", "13800004444"]])
    out = tmp_path / "结果.xlsx"
    assert main(["triage", str(clues), "--out", str(out), "--quiet"], container=c) == 0
    printed = capsys.readouterr().out
    assert "导入 4 条" in printed and "分级" in printed and str(out) in printed
    table = [list(r) for r in load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert tuple(table[0]) == COLUMNS and all(row[COLUMNS.index("分级")] for row in table[1:])

    staff = c.accounts.create("gongzuo", "工作人员甲", Role.STAFF, "staff-pass-1")
    c.accounts.create("weiyuan", "王委员", Role.MEMBER, "member-pass-1")
    rows = c.staff.queue.list(staff).rows
    routed = []
    for row in rows:
        entry, _ = c.staff.queue.store.entry(row.idea_id)
        if entry.routing is None:
            continue
        units = [UnitChoice(name=u["name"], role=u["role"]) for u in entry.routing.suggested_units]
        c.staff.desk.confirm(staff, row.idea_id, RoutingEdit(units=units))
        routed.append(entry.idea)
    assert len(routed) == 3

    today = dt.datetime.now(CHINA_TZ).date()
    replies = tmp_path / "答复.csv"
    with replies.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([
            ["受理编号", "承办单位", "答复内容", "答复日期", "办理结果"],
            [routed[0].receipt_no, "广州市交通运输局", "已纳入计划。", today.isoformat(), "已采纳"],
            ["BX-1999-000001", "某单位", "无此编号", today.isoformat(), "已采纳"],
        ])
    assert main(["handling", "import", str(replies)], container=c) == 0
    printed = capsys.readouterr().out
    assert "登记答复 1 条" in printed and "第 3 行" in printed
    assert main(["handling", "overdue", "--date", (today + dt.timedelta(days=1)).isoformat()], container=c) == 0
    assert "没有超期" in capsys.readouterr().out

    docx = tmp_path / "百姓提案.docx"
    assert main(["digest", "--from", today.isoformat(), "--to", today.isoformat(), "--out", str(docx),
                 "--issue", "2"], container=c) == 0
    printed = capsys.readouterr().out
    assert "第2期" in printed and "本期金点子 4 件" in printed and docx.is_file() and docx.with_suffix(".pdf").is_file()

    folder = tmp_path / "评选"
    assert main(["select", "--year", str(today.year), "--top", "2", "--out", str(folder)], container=c) == 0
    printed = capsys.readouterr().out
    assert "选出 2 件" in printed and len(list((folder / "单份").glob("*.pdf"))) == 2
    assert main(["select", "--year", str(today.year), "--top", "2", "--out", str(folder)], container=c) == 2
    assert "覆盖" in capsys.readouterr().err

    report = tmp_path / "履职.xlsx"
    assert main(["report", "members", "--year", str(today.year), "--out", str(report)], container=c) == 0
    assert "1 位委员" in capsys.readouterr().out and report.is_file()

    assert main(["digest", "--from", "2026-02-01", "--to", "2026-01-01", "--out", str(docx)], container=c) == 2
    assert "截止日期早于起始日期" in capsys.readouterr().err
    assert main(["digest", "--from", "2026-02-01", "--to", "2026-02-02", "--out", str(tmp_path / "x.pdf")],
                container=c) == 2
    assert ".docx" in capsys.readouterr().err
