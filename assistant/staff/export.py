"""The downloadable result of a clue import (XLSX and CSV, same columns)."""

from __future__ import annotations

import csv
from pathlib import Path

from assistant.scheme.grading import GRADE_ZH
from assistant.scheme.linkage import LINKAGE_ZH
from assistant.security.files import private_file
from assistant.security.spreadsheet import safe_cell
from assistant.staff.models import TriageReport, TriageRow

COLUMNS = (
    "序号", "行号", "受理编号", "标题", "内容", "是否受理", "类别", "去向", "领域", "主办单位", "协办单位", "重复组",
    "重复对象", "分级", "分级理由", "处理通道", "对口专委会", "上下联动", "说明",
)



def _safe(value: object) -> str:
    """Cell text that a spreadsheet will not run as a formula (see ``assistant.security.spreadsheet``)."""
    return str(safe_cell("" if value is None else str(value)))


def _duplicates(row: TriageRow) -> str:
    names = {"row": "第{}行", "idea": "线索 {}", "item": "往期留言 {}"}
    parts = [f"{names[d.kind].format(d.ref)}《{d.title[:20]}》（相似度 {d.similarity:.2f}）" for d in row.duplicates]
    return "；".join(parts)


def result_rows(report: TriageReport) -> list[list[str]]:
    """The table (without header), one list per file row."""
    out = []
    for row in report.rows:
        out.append([
            str(row.seq), str(row.line), row.receipt_no or "", row.title, row.text, row.verdict_zh, row.category or "",
            row.redirect or "", row.domain or "", row.main_unit or "", "、".join(row.co_units),
            row.duplicate_group or "", _duplicates(row), GRADE_ZH.get(row.grade or "", ""), row.grade_reason or "",
            row.channel or "", row.committee or "", LINKAGE_ZH.get(row.linkage or "", ""), row.error or "",
        ])
    return out


def write_xlsx(report: TriageReport, path: Path) -> Path:
    """Write the result as an Excel workbook (owner-only, 0600)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("分办结果")
    widths = (6, 6, 16, 30, 60, 8, 10, 30, 12, 24, 30, 10, 40, 12, 50, 20, 18, 10, 30)
    for col, width in zip("ABCDEFGHIJKLMNOPQRS", widths, strict=True):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"
    header = [WriteOnlyCell(sheet, value=name) for name in COLUMNS]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for values in result_rows(report):
        sheet.append([_safe(v) for v in values])
    workbook.save(private_file(path))
    return path


def write_csv(report: TriageReport, path: Path) -> Path:
    """Write the result as UTF-8 CSV with a byte-order mark (opens correctly in Excel); owner-only, 0600."""
    with private_file(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([_safe(v) for v in values] for values in result_rows(report))
    return path
