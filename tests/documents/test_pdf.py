"""The PDF twins: A4 pages, Chinese text extractable, fonts embedded, page numbers outside."""

from __future__ import annotations

import re

import pytest

from assistant.documents.layout import MM_PER_PT
from assistant.documents.models import ProposalForm
from assistant.documents.pdfdoc import OfficialPdf, split_pages
from assistant.documents.proposal_form import form_pdf
from tests.documents.helpers import pdf_pages, pdf_text

A4_PT = (210 / MM_PER_PT, 297 / MM_PER_PT)


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    pdf = OfficialPdf(title="测试")
    pdf.add_page()
    pdf.add_title("关于加强学校周边交通秩序管理的“百姓提案”")
    pdf.add_heading("一、群众反映集中的问题", 1)
    for n in range(30):
        pdf.add_paragraph(f"第{n + 1}段：放学时段学校门口电动自行车停放无序，学生过马路存在安全隐患。")
    return pdf.to_bytes()


def _page_numbers(page) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        if "—" in text:
            found.append((text.replace(" ", "").replace("\x00", ""), tm[4] * cm[0] + cm[4]))

    page.extract_text(visitor_text=visit)
    return found


def test_pages_are_a4(long_pdf: bytes) -> None:
    pages = pdf_pages(long_pdf)
    assert len(pages) >= 2
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=0.5)


def test_chinese_text_is_extractable(long_pdf: bytes) -> None:
    text = pdf_text(long_pdf)
    assert "关于加强学校周边交通秩序管理的“百姓提案”" in text
    assert "一、群众反映集中的问题" in text
    assert "第30段：放学时段学校门口电动自行车停放无序，学生过马路存在安全隐患。" in text


def test_fonts_are_embedded(long_pdf: bytes) -> None:
    for page in pdf_pages(long_pdf):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile2", "/FontFile3")), font["/BaseFont"]


def test_page_numbers_outside_odd_right_even_left(long_pdf: bytes) -> None:
    pages = pdf_pages(long_pdf)
    for n, page in enumerate(pages[:2], start=1):
        numbers = _page_numbers(page)
        assert [t for t, _ in numbers] == [f"—{n}—"]
        x = numbers[0][1]
        assert (x > A4_PT[0] / 2) if n % 2 else (x < A4_PT[0] / 2)


def test_form_pdf_has_every_label_and_value() -> None:
    form = ProposalForm(title="关于设置接送区的“百姓提案”", analysis=["1. 校门口秩序混乱。"],
                        suggestions=["1. 设置接送区。"], name="张三", occupation="退休教师", phone="13800138000",
                        address="天河区某路1号", remarks="代为提交")
    text = pdf_text(form_pdf(form))
    for part in ("“百姓提案”", "提出者：", "张三", "职业：", "联系电话：", "13800138000", "联系地址：",
                 "情况分析（500字以内）", "1.校门口秩序混乱。", "具体建议（1000字以内）", "1.设置接送区。",
                 "代为提交", "—1—"):
        assert part in text, part


def test_split_pages_gives_single_page_files(long_pdf: bytes) -> None:
    parts = split_pages(long_pdf)
    assert len(parts) == len(pdf_pages(long_pdf))
    assert all(len(pdf_pages(p)) == 1 for p in parts)
    assert "第1段" in pdf_text(parts[0])


def test_a_cell_taller_than_a_page_continues_on_the_next() -> None:
    points = [f"{n}. " + "建议有关部门加强统筹协调，完善配套政策。" * 7 for n in range(1, 8)]  # ≈1,000 characters
    form = ProposalForm(title="关于测试长建议的“百姓提案”", analysis=["1. 情况。"], suggestions=points, name="张三")
    data = form_pdf(form)
    assert len(pdf_pages(data)) >= 2
    text = re.sub(r"—\d+—", "", pdf_text(data))  # page numbers fall between the halves of a split cell
    for point in points:
        assert point.replace(" ", "") in text


def test_long_tables_repeat_the_header_on_each_page() -> None:
    pdf = OfficialPdf()
    pdf.add_page()
    rows = [["名称", "件数"]] + [[f"第{n}项", str(n)] for n in range(1, 80)]
    pdf.add_table(rows, (100, 40))
    data = pdf.to_bytes()
    pages = pdf_pages(data)
    assert len(pages) >= 3
    assert all(pdf_text(part).startswith("名称件数") for part in split_pages(data)[1:])
    assert "第79项79" in pdf_text(data)
