"""Helpers for the document tests: read .docx parts and PDF text."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from lxml import etree
from pypdf import PdfReader

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(name: str) -> str:
    """Clark name of a WordprocessingML attribute/element."""
    return f"{{{W}}}{name}"


def part_xml(docx: bytes, name: str) -> etree._Element:
    """A part of the .docx (e.g. word/document.xml) parsed."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return etree.fromstring(zf.read(name))


def part_names(docx: bytes) -> list[str]:
    """All part names in the .docx package."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return zf.namelist()


def docx_text(docx: bytes) -> str:
    """All paragraph text of the body, tables included, without whitespace."""
    root = part_xml(docx, "word/document.xml")
    return re.sub(r"\s+", "", "".join(root.itertext()))


def pdf_text(pdf: bytes) -> str:
    """Extracted text of every page, whitespace and NULs removed.

    pypdf reads the two-byte codes of fpdf2's CFF (CIDFontType0) fonts one byte at a time, so a NUL precedes
    every character; poppler's pdftotext reads the same files cleanly. Dropping NULs keeps the check honest:
    every character still has to map through the font's ToUnicode table to appear."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() or "" for page in reader.pages))


def pdf_pages(pdf: bytes) -> list:
    """The pages of a PDF."""
    return list(PdfReader(io.BytesIO(pdf)).pages)


def open_docx(data: bytes):  # type: ignore[no-untyped-def]
    """python-docx Document from bytes."""
    return Document(io.BytesIO(data))
