"""Channel advice for stored ideas (reads the draft; research needs; the 《社情民意》 digest and its documents) and the
grade, channel and 1+N columns of the staff clue import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.errors import PermissionDenied
from assistant.scheme.models import GradeEdit
from assistant.scheme.sqmy_doc import sqmy_docx, sqmy_pdf
from assistant.staff.export import COLUMNS
from assistant.storage.decisions import CONSENT, NewDecision
from tests.scheme.conftest import BUS, NEIGHBOUR, PENSION, World

QUESTION = "请问地铁十一号线什么时候能通车？为什么一再延期？沿线居民天天堵车，希望尽快公布通车时间。"


def test_advice_reads_the_draft_and_lists_research(world: World) -> None:
    idea = world.submit(BUS)
    bare = world.scheme.channels.advise(world.staff, idea.id)
    assert bare.channel == "深化培育" and bare.with_draft  # the submission's (empty) draft is read
    assert bare.research and bare.research[-1] == world.scheme.catalogue.research["always"]
    assert any("数据" in r for r in bare.research) and bare.committee
    world.cultivate(idea, world.member, analysis=["小区约三千户居民，距地铁站两公里，原因是公交线网未同步规划。",
                                                  "老人和学生每天步行二十分钟。"],
                    suggestions=["建议市交通运输局在小区门口增设公交站点。"])
    drafted = world.scheme.channels.advise(world.staff, idea.id)
    assert drafted.draft_total is not None and drafted.draft_total > (bare.draft_total or 0)
    assert len(drafted.research) < len(bare.research)
    with pytest.raises(PermissionDenied):
        world.scheme.channels.advise(world.member, idea.id)


def test_sqmy_digest_uses_only_the_ideas_words(world: World, tmp_path: Path) -> None:
    idea = world.submit(QUESTION, name="欧阳娜娜")
    advice = world.scheme.channels.advise(world.staff, idea.id)
    assert advice.channel == "摘编社情民意信息" and advice.sqmy is not None
    digest = advice.sqmy
    assert digest.title.startswith("群众反映：") and idea.receipt_no in digest.source and "欧阳某某" in digest.source
    assert all(point in QUESTION for point in digest.situation + digest.suggestions)
    assert digest.suggestions == ["沿线居民天天堵车，希望尽快公布通车时间"]
    world.scheme.decisions.record(NewDecision(idea_id=idea.id, kind=CONSENT, value="anonymous"), user_id=None)
    assert "（市民）" in world.scheme.channels.digest(world.staff, idea.id).source
    docx = tmp_path / "社情民意.docx"
    docx.write_bytes(sqmy_docx(digest))
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert digest.title in text and "一、基本情况" in text and "二、意见建议" in text and digest.source in text
    assert sqmy_pdf(digest).startswith(b"%PDF")
    national = world.scheme.channels.advise(world.staff, world.submit(PENSION, phone="13800002222").id)
    assert national.linkage == "national" and national.linkage_reason


def test_triage_grades_channels_and_merges(world: World, tmp_path: Path) -> None:
    earlier = world.submit(BUS, phone="13800009999")
    path = tmp_path / "线索.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([
            ["标题", "内容"],
            ["公交站", BUS + "（再次反映）"],
            ["漏水", NEIGHBOUR],
            ["通车", QUESTION + "他说“再等等”，可是已经等了两年。"],  # a quoted word inside a quoted CSV field
            ["通车（转发）", QUESTION + "他说“再等等”，可是已经等了两年！"],
            ["养老", PENSION],
        ])
    report = world.staff_services.triage.triage_file(world.staff, path)
    assert report.read == 5 and report.failed == 0
    rows = {r.line: r for r in report.rows}
    assert rows[2].grade == "merge" and earlier.receipt_no in (rows[2].grade_reason or "")
    assert rows[3].grade == "refer" and rows[3].channel is None and "转" in (rows[3].grade_reason or "")
    assert rows[4].grade == "sqmy" and rows[4].channel == "摘编社情民意信息"
    assert rows[5].grade == "merge" and rows[4].receipt_no in (rows[5].grade_reason or "")
    assert rows[6].linkage == "national" and rows[6].committee
    assert rows[6].grade == "sqmy"  # a national policy matter, reported upwards as 社情民意
    assert report.grades == {"转社情民意": 2, "转其他渠道": 1, "并入1+N": 2}
    stored = world.scheme.grading.view(world.staff, rows[3].idea_id or 0)
    assert stored.grade == "refer" and stored.auto and stored.history[0].auto
    world.scheme.grading.grade(world.staff, rows[3].idea_id or 0, GradeEdit(grade="refer", reason="确认转办"))
    assert not world.scheme.grading.view(world.staff, rows[3].idea_id or 0).auto

    sheet = load_workbook(report.result_path or "", read_only=True).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == COLUMNS and {"分级", "分级理由", "处理通道", "对口专委会", "上下联动"} <= set(COLUMNS)
    assert table[2][COLUMNS.index("分级")] == "转其他渠道" and table[5][COLUMNS.index("上下联动")] == "全国层面"


def test_csv_fields_with_quotes_stay_one_row(tmp_path: Path) -> None:
    from assistant.ingest.readers import read_rows

    path = tmp_path / "线索.csv"
    body = [["标题", "内容"]] + [[f"第{n}条", "建议增设公交站点，方便居民出行。" * 20] for n in range(40)]
    body.append(["引号", '他说"再等等"，可是已经等了两年，建议公布通车时间。\n第二段。'])
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(body)
    rows = list(read_rows(path))
    assert len(rows) == 41 and not any(r.error for r in rows)
    assert rows[-1].cells["内容"].startswith('他说"再等等"') and rows[-1].cells["内容"].endswith("第二段。")
