"""A 《社情民意》 piece as a Word file (GB/T 9704 layout, for staff to edit) and a PDF: 标题, 情况, 建议, 来源."""

from __future__ import annotations

from typing import Protocol

from assistant.documents.layout import GBT9704_FONTS, FontSet
from assistant.scheme.models import SqmyDigest

HEAD = "社情民意"


class _Writer(Protocol):
    def add_title(self, text: str) -> object: ...

    def add_heading(self, text: str, level: int = ...) -> object: ...

    def add_paragraph(self, text: str = ...) -> object: ...


def compose(w: _Writer, digest: SqmyDigest) -> None:
    """Write the piece with ``w`` (an OfficialDocx or OfficialPdf)."""
    w.add_title(digest.title)
    w.add_heading("一、基本情况", 1)
    for n, point in enumerate(digest.situation, start=1):
        w.add_paragraph(f"{n}. {point}" if len(digest.situation) > 1 else point)
    w.add_heading("二、意见建议", 1)
    if digest.suggestions:
        for n, point in enumerate(digest.suggestions, start=1):
            w.add_paragraph(f"{n}. {point}" if len(digest.suggestions) > 1 else point)
    else:
        w.add_paragraph(digest.note or "原文没有提出具体建议。")
    w.add_paragraph(digest.source)


def sqmy_docx(digest: SqmyDigest, fonts: FontSet = GBT9704_FONTS) -> bytes:
    """The piece as .docx."""
    from assistant.documents.wordml import OfficialDocx

    doc = OfficialDocx(fonts)
    doc.set_properties(title=digest.title, subject=HEAD)
    compose(doc, digest)
    return doc.to_bytes()


def sqmy_pdf(digest: SqmyDigest) -> bytes:
    """The piece as PDF (fonts embedded)."""
    from assistant.documents.pdfdoc import OfficialPdf

    pdf = OfficialPdf(title=digest.title)
    pdf.add_page()
    compose(pdf, digest)
    return pdf.to_bytes()
