"""荣誉证书 for the citizens behind the year's excellent 百姓提案: landscape A4, .docx and .pdf, one or a batch.

Plain and dignified: a thin double dark-red frame, 荣誉证书 in the title font, the sentence in 仿宋, the
issuing body and the date (Arabic numerals, as GB/T 9704 §7.3.5.4 asks of dates) at the right.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from docx.shared import Pt

from assistant.documents.layout import (
    CERTIFICATE_PAGE,
    DARK_RED,
    GBT9704_FONTS,
    MM_PER_PT,
    SIZE_CHUHAO,
    SIZE_ERHAO,
    SIZE_XIAOER,
    SIZE_XIAOSI,
    FontSet,
)
from assistant.documents.models import CertificateInput, DocumentFile
from assistant.documents.pdfdoc import SERIF, OfficialPdf, split_pages
from assistant.documents.wordml import OfficialDocx
from assistant.errors import InputError

HEADLINE = "荣誉证书"
HEADLINE_SPACING_PT = 12.0
ISSUER_RIGHT_EMS = 2  # the issuer ends two characters in from the right edge
LONG_BODY_CHARS = 90  # above this the sentence is set in 小二 (18 pt) instead of 二号 (22 pt)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
ZIP_TYPE = "application/zip"


def date_text(cert: CertificateInput) -> str:
    """2024年1月10日 (no leading zeros)."""
    d = cert.issue_date
    return f"{d.year}年{d.month}月{d.day}日"


def body_size(cert: CertificateInput) -> float:
    """二号 for a sentence that fits in three lines, 小二 for a longer one."""
    return SIZE_ERHAO if len(cert.body_text()) <= LONG_BODY_CHARS else SIZE_XIAOER


def _em_width(text: str) -> float:
    """Approximate width in ems: CJK and full-width marks 1, ASCII 0.5."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _require(certs: Sequence[CertificateInput]) -> None:
    if not certs:
        raise InputError("没有需要生成的荣誉证书：名单为空。", "empty certificate list")


# -- Word ------------------------------------------------------------------------------------------------------
def _docx(certs: Sequence[CertificateInput], fonts: FontSet) -> bytes:
    _require(certs)
    doc = OfficialDocx(fonts, CERTIFICATE_PAGE, page_numbers=False, grid=False)
    doc.set_properties(title=HEADLINE, subject=f"{certs[0].year}年度优秀“百姓提案”荣誉证书")
    for n, cert in enumerate(certs):
        section = doc.doc.sections[0] if n == 0 else doc.new_page_section()
        if n == 0:
            doc.set_page_border(section)
            doc.set_vertical_center(section)
        _docx_page(doc, cert)
    return doc.to_bytes()


def _docx_page(doc: OfficialDocx, cert: CertificateInput) -> None:
    size = body_size(cert)
    headline = doc.add_title(HEADLINE, size=SIZE_CHUHAO, color=DARK_RED, space_after_lines=0,
                             letter_spacing=HEADLINE_SPACING_PT)
    headline.paragraph_format.line_spacing = Pt(SIZE_CHUHAO * 1.6)
    headline.paragraph_format.space_after = Pt(SIZE_ERHAO)
    doc.add_paragraph(f"{cert.citizen_name}{cert.salutation}：", indent=False, align="L", size=size,
                      line_spacing=size * 1.8)
    doc.add_paragraph(cert.body_text(), size=size, line_spacing=size * 1.8)
    issuer_em, date_em = _em_width(cert.issuer), _em_width(date_text(cert))
    for n, (text, shift_em) in enumerate(((cert.issuer, 0.0), (date_text(cert), (issuer_em - date_em) / 2))):
        para = doc.add_paragraph(text, indent=False, align="R", size=SIZE_ERHAO, line_spacing=SIZE_ERHAO * 1.8)
        para.paragraph_format.right_indent = Pt((ISSUER_RIGHT_EMS + max(shift_em, 0)) * SIZE_ERHAO)
        if n == 0:
            para.paragraph_format.space_before = Pt(SIZE_ERHAO * 2)
    if cert.certificate_no:
        para = doc.add_paragraph(f"证书编号：{cert.certificate_no}", indent=False, align="L", size=SIZE_XIAOSI)
        para.paragraph_format.space_before = Pt(SIZE_ERHAO)


def certificate_docx(cert: CertificateInput, fonts: FontSet = GBT9704_FONTS) -> bytes:
    """One certificate as a .docx (landscape A4)."""
    return _docx([cert], fonts)


def certificates_docx(certs: Sequence[CertificateInput], fonts: FontSet = GBT9704_FONTS) -> bytes:
    """All certificates in one .docx, one page (section) each."""
    return _docx(certs, fonts)


# -- PDF -------------------------------------------------------------------------------------------------------
def _pdf(certs: Sequence[CertificateInput]) -> bytes:
    _require(certs)
    pdf = OfficialPdf(CERTIFICATE_PAGE, page_numbers=False, title=HEADLINE)
    pdf.set_auto_page_break(False)
    for cert in certs:
        pdf.add_page()
        _pdf_page(pdf, cert)
    return pdf.to_bytes()


def _pdf_page(pdf: OfficialPdf, cert: CertificateInput) -> None:
    g = CERTIFICATE_PAGE
    _frame(pdf)
    size = body_size(cert)
    body_lines = pdf.lines_of(cert.body_text(), g.text_width, size=size, first_indent=2 * size * MM_PER_PT)
    heights_pt = (SIZE_CHUHAO * 1.6 + SIZE_ERHAO, size * 1.8 * (1 + len(body_lines)), SIZE_ERHAO * (2 + 2 * 1.8),
                  SIZE_ERHAO + SIZE_XIAOSI * 1.5 if cert.certificate_no else 0.0)
    pdf.set_y(g.top + max(0.0, (g.text_height - sum(heights_pt) * MM_PER_PT) / 2))  # centred like Word's vAlign
    pdf.add_paragraph(HEADLINE, role="title", size=SIZE_CHUHAO, indent=False, align="C", color=DARK_RED,
                      line_spacing=SIZE_CHUHAO * 1.6, letter_spacing=HEADLINE_SPACING_PT)
    pdf.set_y(pdf.get_y() + SIZE_ERHAO * MM_PER_PT)
    pdf.add_paragraph(f"{cert.citizen_name}{cert.salutation}：", size=size, indent=False, align="L",
                      line_spacing=size * 1.8)
    pdf.add_paragraph(cert.body_text(), size=size, line_spacing=size * 1.8)
    pdf.set_y(pdf.get_y() + SIZE_ERHAO * 2 * MM_PER_PT)
    pdf.set_font(SERIF, size=SIZE_ERHAO)
    issuer_w, date_w = pdf.get_string_width(cert.issuer), pdf.get_string_width(date_text(cert))
    x_issuer = pdf.w - g.right - ISSUER_RIGHT_EMS * SIZE_ERHAO * MM_PER_PT - issuer_w
    for text, x in ((cert.issuer, x_issuer), (date_text(cert), x_issuer + (issuer_w - date_w) / 2)):
        pdf.put_line(x, text, SIZE_ERHAO, SIZE_ERHAO * 1.8 * MM_PER_PT)
    if cert.certificate_no:
        pdf.set_y(pdf.get_y() + SIZE_ERHAO * MM_PER_PT)
        pdf.set_font(SERIF, size=SIZE_XIAOSI)
        pdf.put_line(g.left, f"证书编号：{cert.certificate_no}", SIZE_XIAOSI, SIZE_XIAOSI * 1.5 * MM_PER_PT)


def _frame(pdf: OfficialPdf) -> None:
    """A thin double frame 7 mm in from the paper edge (as the Word page border)."""
    with pdf.local_context(draw_color=DARK_RED):
        for inset, width in ((7.0, 0.35), (8.2, 0.35)):
            pdf.set_line_width(width)
            pdf.rect(inset, inset, pdf.w - 2 * inset, pdf.h - 2 * inset)


def certificate_pdf(cert: CertificateInput) -> bytes:
    """One certificate as a PDF (landscape A4, fonts embedded)."""
    return _pdf([cert])


def certificates_pdf(certs: Sequence[CertificateInput]) -> bytes:
    """All certificates in one PDF, one page each."""
    return _pdf(certs)


# -- files -----------------------------------------------------------------------------------------------------
def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", name)[:40] or "未署名"


def certificate_files(certs: Sequence[CertificateInput], fonts: FontSet = GBT9704_FONTS, *,
                      combined_pdf: bytes | None = None) -> list[DocumentFile]:
    """One .docx and one .pdf per citizen, numbered in list order: 01_陈大文_荣誉证书.docx …

    The PDFs are the pages of the combined PDF (built once; embedding fonts per file would cost ≈0.3 s each)."""
    _require(certs)
    pages = split_pages(combined_pdf or certificates_pdf(certs))
    files: list[DocumentFile] = []
    for n, (cert, page) in enumerate(zip(certs, pages, strict=True), start=1):
        stem = f"{n:02d}_{_safe(cert.citizen_name)}_{HEADLINE}"
        files.append(DocumentFile(filename=f"{stem}.docx", media_type=DOCX_TYPE, data=certificate_docx(cert, fonts)))
        files.append(DocumentFile(filename=f"{stem}.pdf", media_type=PDF_TYPE, data=page))
    return files


def certificates_zip(certs: Sequence[CertificateInput], fonts: FontSet = GBT9704_FONTS) -> DocumentFile:
    """A zip with the combined .docx and .pdf and, under 单份/, one .docx and .pdf per citizen."""
    _require(certs)
    year = certs[0].year
    combined = certificates_pdf(certs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{year}年度{HEADLINE}_合集.docx", certificates_docx(certs, fonts))
        zf.writestr(f"{year}年度{HEADLINE}_合集.pdf", combined)
        for file in certificate_files(certs, fonts, combined_pdf=combined):
            zf.writestr(f"单份/{file.filename}", file.data)
    return DocumentFile(filename=f"{year}年度{HEADLINE}.zip", media_type=ZIP_TYPE, data=out.getvalue())
