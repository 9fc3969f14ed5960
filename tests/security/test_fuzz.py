"""Property-based fuzzing: whatever a user sends, the answer is a result or a Chinese InputError, never a
traceback. Inputs: any unicode (surrogates and controls included), binary-ish text, huge text, random bytes,
and mutated valid CSV/JSONL/XLSX/DOCX files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cultivation.docx_io import import_docx
from assistant.cultivation.models import DraftProposal
from assistant.errors import InputError
from assistant.ingest.readers import RawRow, read_rows
from assistant.textinput import clean_text, decode_bytes
from tests.security.bombs import replace_entry, sample_docx, sample_xlsx, zip_with
from tests.security.conftest import has_chinese

ANY_CHAR = st.characters(exclude_categories=())  # surrogates and control characters too
BINARYISH = st.binary(max_size=2000).map(lambda raw: raw.decode("latin-1"))
TEXTS = st.one_of(
    st.text(ANY_CHAR, max_size=3000), BINARYISH, st.text(st.sampled_from("\x00\r\n\t 　=a中"), max_size=200)
)
MAX_CHARS = 500
FILE_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
VALID_CSV = "标题,内容\n关于增设红绿灯,建议在路口增设红绿灯\n\"带,逗号\",\"多行\n内容\"\n".encode()
VALID_JSONL = '{"标题": "关于增设红绿灯", "内容": "建议增设"}\n{"标题": "第二条", "内容": [1, 2]}\n'.encode()


def _chinese_error(exc: InputError) -> None:
    assert has_chinese(exc.user_message), exc.user_message


@settings(max_examples=400)
@given(text=TEXTS)
def test_clean_text_cleans_or_refuses(text: str) -> None:
    try:
        cleaned = clean_text(text, MAX_CHARS, "内容")
    except InputError as exc:
        _chinese_error(exc)
        return
    assert cleaned and cleaned == cleaned.strip() and len(cleaned) <= MAX_CHARS
    assert "\x00" not in cleaned and "\r" not in cleaned
    assert all(ch in "\n\t" or ch.isprintable() or not ch.isascii() for ch in cleaned)
    assert clean_text(cleaned, MAX_CHARS, "内容") == cleaned  # idempotent


@settings(max_examples=30)
@given(char=st.text(ANY_CHAR, min_size=1, max_size=3), repeat=st.integers(0, 3_000_000))
def test_clean_text_huge_inputs(char: str, repeat: int) -> None:
    try:
        cleaned = clean_text(char * repeat, MAX_CHARS)
    except InputError as exc:
        _chinese_error(exc)
        return
    assert len(cleaned) <= MAX_CHARS


@pytest.mark.parametrize("value", [b"bytes", 42, ["x"]])
def test_clean_text_refuses_non_text(value: object) -> None:
    with pytest.raises(InputError, match="纯文本"):
        clean_text(value, MAX_CHARS)  # type: ignore[arg-type]


@settings(max_examples=300)
@given(data=st.binary(max_size=4000))
def test_decode_bytes_decodes_or_refuses(data: bytes) -> None:
    try:
        assert isinstance(decode_bytes(data), str)
    except InputError as exc:
        _chinese_error(exc)


def _read(tmp_path: Path, data: bytes, fmt: str) -> list[RawRow]:
    path = tmp_path / f"upload.{fmt}"
    path.write_bytes(data)
    try:
        rows = list(read_rows(path, max_bytes=1024 * 1024))
    except InputError as exc:
        _chinese_error(exc)
        return []
    for row in rows:
        assert isinstance(row.cells, dict) and row.line >= 1
        assert row.error is None or has_chinese(row.error)
    return rows


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, position, payload in edits:
        at = position % (len(out) + 1)
        if kind == 0:
            out[at : at + len(payload)] = payload  # overwrite
        elif kind == 1:
            out[at:at] = payload  # insert
        else:
            del out[at : at + len(payload) * 8]  # delete
    return bytes(out)


EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), max_size=6)


@settings(max_examples=150, suppress_health_check=FILE_CHECKS)
@given(data=st.binary(max_size=3000), fmt=st.sampled_from(["csv", "jsonl", "xlsx"]))
def test_readers_on_random_bytes(tmp_path: Path, data: bytes, fmt: str) -> None:
    _read(tmp_path, data, fmt)


@settings(max_examples=300, suppress_health_check=FILE_CHECKS)
@given(edits=EDITS, fmt=st.sampled_from(["csv", "jsonl"]), tail=st.sampled_from([b"", b"\x00", b"a" * 140_000]))
def test_readers_on_mutated_text_files(tmp_path: Path, edits: list[tuple[int, int, bytes]], fmt: str,
                                       tail: bytes) -> None:
    valid = VALID_CSV if fmt == "csv" else VALID_JSONL
    _read(tmp_path, _mutate(valid + tail, edits), fmt)


@pytest.mark.parametrize(
    "line", [b"[" * 100_000, b'{"a": ' + b"1" * 10_000 + b"}", b'{"a": "\xff\xfe"}', b"\xef\xbb\xbf{}"]
)
def test_jsonl_edge_rows(tmp_path: Path, line: bytes) -> None:
    rows = _read(tmp_path, b'{"ok": 1}\n' + line + b"\n", "jsonl")
    assert rows == [] or rows[0].cells == {"ok": 1}


@settings(max_examples=120, suppress_health_check=FILE_CHECKS)
@given(edits=EDITS)
def test_xlsx_reader_on_mutated_files(tmp_path: Path, edits: list[tuple[int, int, bytes]]) -> None:
    _read(tmp_path, _mutate(sample_xlsx(4), edits), "xlsx")


def _mutated_parts(data: bytes, part_edits: dict[str, list[tuple[int, int, bytes]]]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_with({i.filename: _mutate(source.read(i), part_edits.get(i.filename, [])) for i in source.infolist()})


@settings(max_examples=120, suppress_health_check=FILE_CHECKS)
@given(sheet_edits=EDITS, shared_edits=EDITS)
def test_xlsx_reader_on_mutated_parts(tmp_path: Path, sheet_edits: list[tuple[int, int, bytes]],
                                      shared_edits: list[tuple[int, int, bytes]]) -> None:
    """Valid zips (good CRCs) whose sheet XML is damaged: openpyxl's own errors must come back in Chinese."""
    data = _mutated_parts(sample_xlsx(4), {"xl/worksheets/sheet1.xml": sheet_edits,
                                           "xl/sharedStrings.xml": shared_edits})
    _read(tmp_path, data, "xlsx")


def _import(data: bytes) -> None:
    try:
        draft = import_docx(data)
    except InputError as exc:
        _chinese_error(exc)
        return
    assert isinstance(draft, DraftProposal)


@settings(max_examples=150)
@given(edits=EDITS)
def test_import_docx_on_mutated_zips(edits: list[tuple[int, int, bytes]]) -> None:
    _import(_mutate(sample_docx(), edits))


XML_EDITS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10**5),
              st.sampled_from([b"<", b">", b"/", b"</w:tc>", b"<w:tc>", b"<w:tr>", b"</w:tr>", b"<w:p/>", b'"',
                               b"w:", b"<w:tbl>", b"&amp;", b"\xe4\xb8\xad", b" "])),
    min_size=1, max_size=5,
)


@settings(max_examples=150)
@given(edits=XML_EDITS)
def test_import_docx_on_mutated_document_xml(edits: list[tuple[int, int, bytes]]) -> None:
    """Intact zips whose document.xml is damaged (tags cut, doubled, inserted): python-docx's own errors."""
    _import(_mutated_parts(sample_docx(), {"word/document.xml": edits}))


def test_import_docx_without_a_body_is_a_chinese_error() -> None:
    """The case the fuzzer found: a valid zip whose document.xml has no <w:body>."""
    no_body = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
               b"<w:p/></w:document>")
    _import(replace_entry(sample_docx(), "word/document.xml", no_body))
