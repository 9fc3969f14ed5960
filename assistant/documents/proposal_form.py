"""附件1 “百姓提案”标准格式 as a Word file (GB/T 9704 page and fonts) and as a PDF."""

from __future__ import annotations

from assistant.documents.layout import GBT9704_FONTS, FontSet
from assistant.documents.models import ProposalForm
from assistant.documents.wordml import OfficialDocx

FORM_TITLE = "“百姓提案”"
LABELS = {
    "name": "提出者：",
    "occupation": "职业：",
    "phone": "联系电话：",
    "address": "联系地址：",
    "title": "标题",
    "analysis": "情况分析（500字以内）",
    "suggestions": "具体建议（1000字以内）",
    "remarks": "备注：如由市政协委员或参加单位代为提交的，请填写相关信息",
}
WIDTHS_MM = (33.0, 45.0, 33.0, 45.0)  # 156 mm: the full 版心


def _rows(form: ProposalForm) -> list[tuple[str, list[str]]]:
    """The four merged rows: label and lines."""
    return [
        (LABELS["title"], [form.title]),
        (LABELS["analysis"], list(form.analysis)),
        (LABELS["suggestions"], list(form.suggestions)),
        (LABELS["remarks"], [form.remarks] if form.remarks else [""]),
    ]


def form_docx(form: ProposalForm, fonts: FontSet = GBT9704_FONTS) -> bytes:
    """The form as a .docx: title in 2号小标宋, a table over the whole 版心 in 3号仿宋, page numbers."""
    doc = OfficialDocx(fonts)
    doc.set_properties(title=form.title or FORM_TITLE, subject="“百姓提案”标准格式")
    doc.add_title(FORM_TITLE, space_after_lines=0)
    table = doc.form_table(6, WIDTHS_MM)
    for r, (k1, v1, k2, v2) in enumerate((("name", form.name, "occupation", form.occupation),
                                          ("phone", form.phone, "address", form.address))):
        cells = table.rows[r].cells
        for cell, text in zip(cells, (LABELS[k1], v1, LABELS[k2], v2), strict=True):
            doc.cell_text(cell, [text])
    for r, (label, lines) in enumerate(_rows(form), start=2):
        cells = table.rows[r].cells
        doc.cell_text(cells[0], [label])
        doc.cell_text(cells[1].merge(cells[3]), lines)
    return doc.to_bytes()


def form_pdf(form: ProposalForm) -> bytes:
    """The same form as a PDF with embedded Chinese fonts."""
    from assistant.documents.pdfdoc import OfficialPdf  # fpdf2 and fontTools cost ≈1 s to import

    pdf = OfficialPdf(title=form.title or FORM_TITLE)
    pdf.add_page()
    pdf.add_title(FORM_TITLE, space_after_lines=0)
    rows: list[list[str]] = [
        [LABELS["name"], form.name, LABELS["occupation"], form.occupation],
        [LABELS["phone"], form.phone, LABELS["address"], form.address],
    ]
    spans: list[list[int]] = [[1, 1, 1, 1], [1, 1, 1, 1]]
    for label, lines in _rows(form):
        rows.append([label, "\n".join(lines)])
        spans.append([1, 3])
    pdf.add_table(rows, WIDTHS_MM, header=False, size=16, colspans=spans, align_numbers=False)
    return pdf.to_bytes()
