"""《百姓提案》 issues: masthead, the three sections with the given counts, the chart, consented names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image
from pydantic import ValidationError

from assistant.documents.models import Contributor, CountRow, PeriodicalIssue, WorkStats, mask_name
from assistant.documents.periodical import (
    SECTION_IDEAS,
    SECTION_TOPICS,
    SECTION_WORK,
    cn_number,
    periodical_docx,
    periodical_pdf,
)
from assistant.documents.samples import sample_issue
from tests.documents.helpers import docx_text, open_docx, pdf_pages, pdf_text


@pytest.fixture(scope="module")
def issue() -> PeriodicalIssue:
    return sample_issue()


@pytest.fixture(scope="module")
def docx(issue: PeriodicalIssue) -> bytes:
    return periodical_docx(issue)


@pytest.fixture(scope="module")
def pdf(issue: PeriodicalIssue) -> bytes:
    return periodical_pdf(issue)


def _tables(data: bytes) -> dict[str, list[list[str]]]:
    """Tables of the .docx keyed by their first header cell."""
    doc = open_docx(data)
    return {t.rows[0].cells[0].text: [[c.text for c in row.cells] for row in t.rows] for t in doc.tables}


def test_masthead_and_sections_in_order(docx: bytes, pdf: bytes) -> None:
    for text in (docx_text(docx), pdf_text(pdf)):
        assert text.startswith("百姓提案第16期广州市政协提案委员会编2024年4月15日")
        positions = [text.index(s) for s in (SECTION_TOPICS, SECTION_IDEAS, SECTION_WORK)]
        assert positions == sorted(positions)
        assert "2024年1月1日至2024年3月31日，共收到群众“金点子”180件" in text
        assert "报：市政协领导" in text and "2024年4月15日印发" in text


def test_headings_use_heading_styles(docx: bytes) -> None:
    doc = open_docx(docx)
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == [SECTION_TOPICS, SECTION_IDEAS, SECTION_WORK]
    assert "（一）交通出行（42件）" in [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]


def test_hot_topic_table_has_the_given_counts(issue: PeriodicalIssue, docx: bytes, pdf: bytes) -> None:
    rows = _tables(docx)["序号"]
    assert rows[0] == ["序号", "问题", "件数", "占本期总数"]
    ranked = sorted(issue.hot_topics, key=lambda t: -t.count)
    assert [(r[1], int(r[2])) for r in rows[1:]] == [(t.topic, t.count) for t in ranked]
    assert rows[1][3] == "23.3%"  # 42 of 180
    text = pdf_text(pdf)
    for n, topic in enumerate(ranked, start=1):
        assert f"{n}{topic.topic}{topic.count}" in text


def test_work_tables_have_the_given_counts_and_totals(issue: PeriodicalIssue, docx: bytes) -> None:
    tables = _tables(docx)
    for label, rows in (("征集渠道", issue.work.by_channel), ("办理状态", issue.work.by_status),
                        ("对口专委会", issue.work.by_committee), ("所在区", issue.work.by_district)):
        got = tables[label]
        assert [(r[0], int(r[1])) for r in got[1:-1]] == [(r.label, r.count) for r in rows]
        assert got[-1] == ["合计", str(sum(r.count for r in rows))]


def test_chart_is_an_embedded_png(docx: bytes) -> None:
    doc = open_docx(docx)
    assert len(doc.inline_shapes) == 1
    image = doc.part.package.image_parts._image_parts[0]
    with Image.open(io.BytesIO(image.blob)) as img:
        assert img.format == "PNG" and img.width > 1000
    assert "图1群众反映较集中的问题（件）" in docx_text(docx)


def test_ideas_show_names_only_as_consented(issue: PeriodicalIssue, docx: bytes, pdf: bytes) -> None:
    for text in (docx_text(docx), pdf_text(pdf)):
        assert "提出者：陈某某（天河区）。办理情况：已立案，交区交通管理部门办理。" in text
        assert "提出者：李文华（越秀区）。" in text
        assert "提出者：市民。" in text
        assert "陈晓明" not in text and "欧阳丽娟" not in text
        assert "本期选编群众“金点子”3条。" in text


def test_empty_sections_say_so() -> None:
    issue = PeriodicalIssue(issue_no=17, period_start=dt.date(2024, 4, 1), period_end=dt.date(2024, 6, 30),
                            issue_date=dt.date(2024, 7, 10),
                            work=WorkStats(by_channel=[CountRow(label="线上", count=3)]))
    docx, pdf = periodical_docx(issue), periodical_pdf(issue)
    assert len(open_docx(docx).inline_shapes) == 0
    for text in (docx_text(docx), pdf_text(pdf)):
        assert "第17期" in text and "本期暂无可统计的集中问题。" in text and "本期无选编的群众“金点子”。" in text
        assert text.count("本期无数据。") == 3
        assert "共收到" not in text  # no total given, none printed
    assert len(pdf_pages(pdf)) >= 1


def test_period_must_be_in_order() -> None:
    with pytest.raises(ValidationError):
        PeriodicalIssue(issue_no=1, period_start=dt.date(2024, 2, 1), period_end=dt.date(2024, 1, 1),
                        issue_date=dt.date(2024, 2, 2))


@pytest.mark.parametrize(("name", "masked"), [("陈大文", "陈某某"), ("李明", "李某"), ("欧阳娜娜", "欧阳某某"),
                                              ("司马光", "司马某"), ("王", "王某"), ("", "")])
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_contributor_display() -> None:
    assert Contributor(name="陈大文", consent="full").display() == "陈大文"
    assert Contributor(name="陈大文", consent="masked", district="海珠区").display() == "陈某某（海珠区）"
    assert Contributor(name="陈大文", consent="anonymous").display() == "市民"
    assert Contributor(name="", consent="full").display() == "市民"


def test_cn_number() -> None:
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == ["一", "九", "十", "十一", "二十", "二十一", "九十九"]


def test_bad_service_data_is_a_chinese_input_error() -> None:
    from assistant.documents.models import CertificateInput, parse_input
    from assistant.errors import InputError

    with pytest.raises(InputError) as info:
        parse_input(PeriodicalIssue, {"issue_no": 1, "period_start": "2024-02-01", "period_end": "2024-01-01",
                                      "issue_date": "2024-02-02"})
    assert "统计截止日期早于起始日期" in info.value.user_message
    with pytest.raises(InputError) as info:
        parse_input(CertificateInput, {"citizen_name": "", "idea_title": "标题", "year": 1900,
                                       "issue_date": "2024-01-01"})
    assert "姓名" in info.value.user_message and "评选年度" in info.value.user_message
    ok = parse_input(CertificateInput, {"citizen_name": "陈大文", "idea_title": "标题", "year": 2023,
                                        "issue_date": "2024-01-01"})
    assert ok.issue_date == dt.date(2024, 1, 1)
