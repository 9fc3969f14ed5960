"""Builders of hostile Office files for the tests and ``bench/bench_security.py`` (written in a stream:
building a multi-gigabyte bomb never holds it in memory)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from assistant.cultivation.docx_io import export_docx
from assistant.cultivation.models import DraftProposal

PARAGRAPH = "<w:p><w:r><w:t>关于在地铁站增设母婴室的百姓提案</w:t></w:r></w:p>".encode()
MIB = 1024 * 1024


def sample_docx() -> bytes:
    """A genuine 附件1 draft exported by the app."""
    draft = DraftProposal(title="关于在地铁站增设母婴室的“百姓提案”", analysis=["地铁站缺少母婴室。"],
                          suggestions=["在客流量大的站点增设母婴室。"])
    return export_docx(draft)


def docx_bomb(target: Path | io.BytesIO, uncompressed_mb: int) -> None:
    """A real .docx whose ``word/document.xml`` holds ``uncompressed_mb`` MiB of paragraphs (well-formed)."""
    original = zipfile.ZipFile(io.BytesIO(sample_docx()))
    body = original.read("word/document.xml")
    head, tail = re.split(rb"<w:body>.*</w:body>", body, flags=re.S)[0:2]
    head += b"<w:body>"
    tail = b"</w:body>" + tail
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in original.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, original.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head)
            chunk = PARAGRAPH * (MIB // len(PARAGRAPH))
            for _ in range(uncompressed_mb):
                part.write(chunk)
            part.write(tail)


def zip_with(entries: dict[str, bytes], level: int = 9) -> bytes:
    """A zip archive of the given entries (deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return buffer.getvalue()


def replace_entry(data: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one entry's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_with({i.filename: (content if i.filename == name else source.read(i)) for i in source.infolist()})


def sample_xlsx(rows: int = 3) -> bytes:
    """A small clue sheet (header + ``rows`` rows)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "内容"])
    for n in range(rows):
        sheet.append([f"线索{n}", f"建议在第{n}号路口增设红绿灯。"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_sheet_name(data: bytes) -> str:
    """The first worksheet part of an .xlsx."""
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))[0]
