"""Dangerous uploads are refused before parsing: zip bombs, huge or forged spreadsheets, oversized files."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

import assistant.cultivation.docx_io as docx_io
from assistant.cultivation.docx_io import import_docx
from assistant.errors import InputError
from assistant.ingest.readers import read_rows
from assistant.security.archives import ArchiveLimits, check_docx, check_upload, check_xlsx, inspect_zip
from assistant.security.errors import UnsafeFileError
from assistant.settings import SecuritySettings
from tests.security.bombs import (
    docx_bomb,
    replace_entry,
    sample_docx,
    sample_xlsx,
    xlsx_sheet_name,
    zip_with,
)
from tests.security.conftest import has_chinese


def test_genuine_files_pass(tmp_path: Path) -> None:
    check_docx(sample_docx())
    assert import_docx(sample_docx()).title.startswith("关于在地铁站增设母婴室")
    path = tmp_path / "clues.xlsx"
    path.write_bytes(sample_xlsx(5))
    assert check_xlsx(path) == 6
    assert [r.cells["标题"] for r in read_rows(path)] == [f"线索{n}" for n in range(5)]


def test_docx_bomb_is_refused_before_python_docx_sees_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.docx"
    docx_bomb(bomb, uncompressed_mb=120)
    data = bomb.read_bytes()
    assert len(data) < 1_000_000  # well under the 10 MB upload limit: only the guard stops it

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("python-docx was handed a zip bomb")

    monkeypatch.setattr(docx_io, "Document", never)
    with pytest.raises(UnsafeFileError) as caught:
        import_docx(data)
    assert "解压后过大" in caught.value.user_message and has_chinese(caught.value.user_message)
    with pytest.raises(UnsafeFileError):
        check_docx(bomb)  # a path works as well as bytes


def test_one_part_compressed_too_well_is_refused() -> None:
    data = zip_with({"word/document.xml": b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>"})
    roomy = ArchiveLimits(max_uncompressed_bytes=1 << 40)
    with pytest.raises(UnsafeFileError, match="压缩比异常"):
        inspect_zip(data, roomy, "Word 文件")
    small = zip_with({"word/styles.xml": b" " * 500_000})  # tiny parts may compress as well as they like
    assert len(inspect_zip(small, roomy)) == 1


def test_too_many_parts_are_refused() -> None:
    data = zip_with({f"word/media/p{n}.xml": b"<a/>" for n in range(60)}, level=1)
    with pytest.raises(UnsafeFileError, match="60 个部件"):
        inspect_zip(data, ArchiveLimits(max_entries=50), "Word 文件")


def test_damaged_or_hostile_docx_parts_are_refused_with_chinese_messages() -> None:
    genuine = sample_docx()
    doctype = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><w:document xmlns:w="x">&a;</w:document>'
    broken_xml = b'<w:document xmlns:w="x"><w:body>'
    for content in (doctype, broken_xml):
        with pytest.raises(InputError) as caught:
            import_docx(replace_entry(genuine, "word/document.xml", content))
        assert "无法读取" in caught.value.user_message
    corrupt = bytearray(genuine)
    offset = genuine.index(b"word/document.xml") + 40  # inside that part's compressed data
    corrupt[offset : offset + 16] = b"\x00" * 16
    with pytest.raises(InputError, match="无法读取"):
        import_docx(bytes(corrupt))
    with pytest.raises(InputError, match="无法读取"):
        import_docx(b"PK\x03\x04 not really a zip")


def _patched_sheet(transform: object) -> bytes:
    data = sample_xlsx(3)
    name = xlsx_sheet_name(data)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(name)
    return replace_entry(data, name, transform(xml))  # type: ignore[operator]


def test_forged_dimension_is_refused(tmp_path: Path) -> None:
    data = _patched_sheet(lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    path = tmp_path / "forged.xlsx"
    path.write_bytes(data)
    with pytest.raises(UnsafeFileError, match="行数过多"):
        list(read_rows(path))
    wide = _patched_sheet(lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD3"', xml))
    with pytest.raises(UnsafeFileError, match="列数过多"):
        check_xlsx(wide)


def test_a_far_away_row_number_is_refused() -> None:
    data = _patched_sheet(lambda xml: re.sub(rb'<row r="4"', b'<row r="900000"', xml.replace(b"<dimension", b"<x")))
    with pytest.raises(UnsafeFileError, match="行数过多"):
        check_xlsx(data)
    far_column = _patched_sheet(lambda xml: xml.replace(b'<c r="B4"', b'<c r="ZZZ4"'))
    with pytest.raises(UnsafeFileError, match="列数过多"):
        check_xlsx(far_column)


def test_too_many_real_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "many.xlsx"
    path.write_bytes(sample_xlsx(150))
    limits = ArchiveLimits(max_rows=100)
    with pytest.raises(UnsafeFileError, match="声明 151 行"):
        list(read_rows(path, limits=limits))
    # Without a <dimension> the streaming count (hard stop) refuses it all the same.
    sheet = xlsx_sheet_name(path.read_bytes())
    undeclared = re.sub(rb"<dimension[^>]*/>", b"", zipfile.ZipFile(path).read(sheet))
    data = replace_entry(path.read_bytes(), sheet, undeclared)
    with pytest.raises(UnsafeFileError, match="超过 100 行"):
        check_xlsx(data, limits)
    assert check_xlsx(sample_xlsx(99), limits) == 100
    # And should the pre-check ever be fooled, the reader itself stops at the limit.
    monkeypatch.setattr("assistant.ingest.readers.check_xlsx", lambda *_a, **_k: 0)
    with pytest.raises(UnsafeFileError, match="超过 100 行"):
        list(read_rows(path, limits=limits))


def test_settings_feed_the_limits() -> None:
    limits = ArchiveLimits.from_settings(SecuritySettings(archive_max_uncompressed_mb=5, xlsx_max_rows=10))
    assert limits.max_uncompressed_bytes == 5 * 1024 * 1024 and limits.max_rows == 10


def test_upload_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "clues.csv"
    big.write_bytes(b"title,text\n" + b"a,b\n" * 300_000)
    with pytest.raises(UnsafeFileError) as caught:
        check_upload(big, 1024 * 1024, "上传的文件")
    assert "太大" in caught.value.user_message and "1.0 MB" in caught.value.user_message

    def no_reading(*_a: object, **_k: object) -> bytes:
        raise AssertionError("the file was read before its size was checked")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(UnsafeFileError):
        list(read_rows(big, max_bytes=1024 * 1024))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="空的"):
        check_upload(empty, 100)
    with pytest.raises(InputError, match="找不到"):
        check_upload(tmp_path / "missing.csv", 100)


def test_docx_xml_just_under_the_size_bound_is_still_bounded(tmp_path: Path) -> None:
    """A bomb made less compressible (under the ratio bound) and under 100 MB still meets the XML bound."""
    noisy = b"".join(f"<w:p><w:r><w:t>{n:08x}</w:t></w:r></w:p>".encode() for n in range(600_000))
    data = replace_entry(sample_docx(), "word/document.xml",
                         b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         b"<w:body>" + noisy + b"</w:body></w:document>")
    assert len(data) < 10 * 1024 * 1024
    with pytest.raises(UnsafeFileError, match="正文内容过大") as caught:
        check_docx(data)
    assert caught.value.cause.startswith("docx XML")  # not the ratio or total-size bound
    inspect_zip(data)  # the generic bounds alone would have let it through
