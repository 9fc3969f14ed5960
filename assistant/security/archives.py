"""Refuse dangerous uploads before any parser sees them: oversized files, zip bombs, huge spreadsheets.

A .docx or .xlsx is a zip archive. python-docx builds the whole document as an lxml tree (a 2.5 MB
bomb took 2.85 GB) and openpyxl's read-only mode walks every row a sheet claims (an .xlsx with a forged
``<dimension ref="A1:XFD1048576">`` or millions of rows runs for minutes). So, from the zip's central
directory alone (no decompression): the entry count, the total uncompressed size and each large entry's
compression ratio are bounded. Python's ``zipfile`` (used by python-docx and openpyxl) never yields more
than an entry's declared size (a lying header ends in a CRC error), so the declared sizes are binding.
For .xlsx, each sheet's ``<dimension>`` is checked and its rows are counted by streaming the XML with a
hard stop, still before openpyxl opens the file. For .docx, every part is streamed once (CRC, XML
well-formedness, no DOCTYPE) so a damaged file becomes a Chinese message, not a parser traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import IO, cast

from pydantic import BaseModel, ConfigDict

from assistant.errors import InputError
from assistant.security.errors import UnsafeFileError
from assistant.settings import SecuritySettings

MIB = 1024 * 1024
SCAN_CHUNK = MIB
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)"
_ANY_PREFIXED = re.compile(rb":(?:row|c)[\s/>]")
_PATTERNS = {
    prefixed: (
        re.compile(rb"<" + opt + rb"row[\s/>]"),
        re.compile(rb"<" + opt + rb"row\s[^>]*?\br\s*=\s*[\"'](\d{1,12})"),
        re.compile(rb"<" + opt + rb"c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,3})"),
    )
    for prefixed, opt in ((False, b""), (True, _PREFIX + b"?"))
}
"""Row tags, row numbers and cell columns: fast literal patterns, or (for a chunk that has any ``x:row`` /
``x:c`` tag) patterns that also accept a namespace prefix."""
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref\s*=\s*[\"']\$?([A-Za-z]{1,3})?\$?(\d+)?"
    rb"(?::\$?([A-Za-z]{1,3})?\$?(\d+)?)?[\"']"
)
_SHEET_HEAD_BYTES = 64 * 1024
_PART_ERRORS = (
    zipfile.BadZipFile, zlib.error, SyntaxError, OSError, EOFError, ValueError, NotImplementedError,
    RuntimeError, UnicodeError, LookupError,
)
"""What reading one damaged part can raise: bad CRC, bad deflate data, bad XML (lxml's XMLSyntaxError is a
SyntaxError), an unknown encoding, an encrypted part or an unknown compression method."""
_TAG_OVERLAP = 512


class ArchiveLimits(BaseModel):
    """Bounds of an uploaded Office file (defaults = the ``security`` settings' defaults)."""

    model_config = ConfigDict(frozen=True)

    max_uncompressed_bytes: int = 100 * MIB
    max_ratio: float = 200.0
    ratio_min_bytes: int = MIB
    """Entries smaller than this (uncompressed) are never refused for their ratio (tiny XML compresses well)."""
    max_entries: int = 2000
    max_docx_xml_bytes: int = 20 * MIB
    """.docx only: total uncompressed XML. python-docx holds it all as an lxml tree (about 8x in memory)."""
    max_rows: int = 200_000
    max_columns: int = 1000

    @classmethod
    def from_settings(cls, settings: SecuritySettings) -> ArchiveLimits:
        """The limits configured in ``settings.security``."""
        return cls(
            max_uncompressed_bytes=settings.archive_max_uncompressed_mb * MIB,
            max_ratio=float(settings.archive_max_ratio),
            max_entries=settings.archive_max_entries,
            max_docx_xml_bytes=settings.docx_max_xml_mb * MIB,
            max_rows=settings.xlsx_max_rows,
        )


DEFAULT_LIMITS = ArchiveLimits()


def _mb(size: int) -> str:
    return f"{size / MIB:.1f} MB" if size < 10 * MIB else f"{size // MIB} MB"


def check_size(size: int, max_bytes: int, what: str = "文件") -> int:
    """``size`` when it is within ``max_bytes``; UnsafeFileError otherwise (and for an empty file)."""
    if size <= 0:
        raise InputError(f"{what}是空的，请检查后重新上传。", "empty file")
    if size > max_bytes:
        raise UnsafeFileError(
            f"{what}太大（{_mb(size)}），超过上限 {_mb(max_bytes)}，请精简或拆分后再上传。",
            f"{size} > {max_bytes} bytes",
        )
    return size


def check_upload(path: Path, max_bytes: int, what: str = "文件") -> int:
    """The size of an uploaded file, checked before anything reads it (``stat`` only)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"找不到上传的{what}，请重新上传。", f"{type(exc).__name__}: {exc}") from exc
    if not path.is_file():
        raise InputError(f"上传的{what}不是普通文件，请重新上传。", "not a regular file")
    return check_size(size, max_bytes, what)


def _open_zip(source: Path | bytes, what: str) -> zipfile.ZipFile:
    handle: Path | IO[bytes] = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        return zipfile.ZipFile(handle)
    except Exception as exc:  # any failure to read an untrusted central directory means "not readable"
        raise InputError(
            f"无法读取该{what}：文件已损坏，或不是 Office 2007 及以上版本保存的 .docx / .xlsx 文件。",
            f"not a zip: {type(exc).__name__}: {exc}",
        ) from exc


def _check_directory(archive: zipfile.ZipFile, limits: ArchiveLimits, what: str) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise UnsafeFileError(
            f"{what}内部结构异常（包含 {len(entries)} 个部件），已拒绝处理。请另存为普通文档后再上传。",
            f"{len(entries)} entries > {limits.max_entries}",
        )
    total = 0
    for info in entries:
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise UnsafeFileError(
                f"{what}解压后过大（超过 {_mb(limits.max_uncompressed_bytes)}），"
                "可能是恶意构造的压缩文件，已拒绝处理。",
                f"uncompressed total > {limits.max_uncompressed_bytes} bytes",
            )
        if info.file_size >= limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnsafeFileError(
                f"{what}中的部件压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                "可能是恶意构造的压缩文件，已拒绝处理。",
                f"entry {info.filename!r}: {info.file_size} / {info.compress_size} > {limits.max_ratio}",
            )
    return entries


def inspect_zip(
    source: Path | bytes, limits: ArchiveLimits = DEFAULT_LIMITS, what: str = "文件"
) -> list[zipfile.ZipInfo]:
    """Check a zip container's central directory (entry count, total size, ratios); its entries."""
    with _open_zip(source, what) as archive:
        return _check_directory(archive, limits, what)


def check_docx(source: Path | bytes, limits: ArchiveLimits = DEFAULT_LIMITS, what: str = "Word 文件") -> None:
    """Refuse a .docx that is not a zip, or whose parts are too many, too big or too compressed; then
    stream every part once (constant memory, bounded by ``max_uncompressed_bytes``): each must decompress
    with a good CRC and each XML part must be well-formed XML without a DOCTYPE, so python-docx only ever
    sees intact, entity-free XML."""
    with _open_zip(source, what) as archive:
        entries = _check_directory(archive, limits, what)
        xml_bytes = sum(i.file_size for i in entries if _is_xml(i.filename))
        if xml_bytes > limits.max_docx_xml_bytes:
            raise UnsafeFileError(
                f"{what}的正文内容过大（超过 {_mb(limits.max_docx_xml_bytes)}），已拒绝处理。"
                "请只保留提案正文后再上传。",
                f"docx XML {xml_bytes} > {limits.max_docx_xml_bytes} bytes",
            )
        for info in entries:
            if info.is_dir():
                continue
            is_xml = _is_xml(info.filename)
            try:
                with archive.open(info) as stream:
                    _stream_part(stream, is_xml)
            except UnsafeFileError:
                raise
            except _PART_ERRORS as exc:
                raise InputError(
                    f"无法读取该{what}：文件已损坏，请用 Word 重新保存后再上传。",
                    f"{info.filename}: {type(exc).__name__}: {exc}",
                ) from exc


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


class _DoctypeRefused(ValueError):
    """An XML part declares a DOCTYPE (entities): never needed in Office files, refused."""


def _stream_part(stream: IO[bytes], is_xml: bool) -> None:
    """Read a part to its end (zipfile checks the CRC there); parse XML with lxml, python-docx's own parser
    (so the same documents are refused), streaming and dropping elements as they close."""
    if not is_xml:
        while stream.read(SCAN_CHUNK):
            pass
        return
    from lxml import etree

    events = etree.iterparse(
        stream, events=("end",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    root = None
    for _, element in events:
        root = element
        element.clear(keep_tail=False)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
    if root is not None and root.getroottree().docinfo.doctype:
        raise _DoctypeRefused("DOCTYPE declaration in an Office XML part")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ch - 64)
    return number


def _check_dimension(head: bytes, limits: ArchiveLimits, what: str, name: str) -> None:
    match = _DIMENSION.search(head)
    if match is None:
        return
    col1, row1, col2, row2 = match.groups()
    rows = max(int(row1 or 0), int(row2 or 0))
    cols = max(_column_number(col1 or b""), _column_number(col2 or b""))
    if rows > limits.max_rows:
        raise UnsafeFileError(
            f"{what}的工作表行数过多（声明 {rows} 行，上限 {limits.max_rows} 行），请拆分后分批导入。",
            f"{name}: dimension rows {rows} > {limits.max_rows}",
        )
    if cols > limits.max_columns:
        raise UnsafeFileError(
            f"{what}的工作表列数过多（声明 {cols} 列，上限 {limits.max_columns} 列），请删除多余的列后再导入。",
            f"{name}: dimension columns {cols} > {limits.max_columns}",
        )


def _scan_rows(stream: IO[bytes], limits: ArchiveLimits, what: str, name: str) -> int:
    """Count ``<row>`` elements (and find the largest row number and column) with a hard stop.

    Each chunk is cut before its last ``<``: every tag before that point is complete (well-formed XML
    has no raw ``<`` inside a tag), and the unfinished tail is carried into the next chunk.
    """
    rows = max_row = max_col = 0
    carry = b""
    while True:
        chunk = stream.read(SCAN_CHUNK)
        buffer = carry + chunk
        if chunk:
            cut = buffer.rfind(b"<")
            if cut <= 0:
                carry = buffer[-_TAG_OVERLAP:] if cut < 0 else buffer
                continue
            buffer, carry = buffer[:cut], buffer[cut:]
        row_open, row_number, cell_column = _PATTERNS[_ANY_PREFIXED.search(buffer) is not None]
        rows += len(row_open.findall(buffer))
        numbers = row_number.findall(buffer)
        if numbers:
            max_row = max(max_row, max(map(int, numbers)))
        columns = set(cell_column.findall(buffer))
        if columns:
            max_col = max(max_col, max(map(_column_number, columns)))
        if max(rows, max_row) > limits.max_rows:
            raise UnsafeFileError(
                f"{what}的工作表行数过多（超过 {limits.max_rows} 行），请拆分后分批导入。",
                f"{name}: more than {limits.max_rows} rows (count {rows}, largest row number {max_row})",
            )
        if max_col > limits.max_columns:
            raise UnsafeFileError(
                f"{what}的工作表列数过多（超过 {limits.max_columns} 列），请删除多余的列后再导入。",
                f"{name}: column {max_col} > {limits.max_columns}",
            )
        if not chunk:
            return rows


def check_xlsx(source: Path | bytes, limits: ArchiveLimits = DEFAULT_LIMITS, what: str = "Excel 文件") -> int:
    """Refuse an .xlsx that is a zip bomb or whose sheets declare or hold too many rows or columns.

    Every part is scanned (a sheet may live at any path the workbook's relationships name), so the work
    is bounded by ``max_uncompressed_bytes``. Returns the number of rows found in the largest sheet.
    """
    largest = 0
    with _open_zip(source, what) as archive:
        entries = _check_directory(archive, limits, what)
        for info in entries:
            if info.is_dir() or info.file_size == 0:
                continue
            try:
                with archive.open(info) as stream:
                    head = stream.read(_SHEET_HEAD_BYTES)
                    _check_dimension(head, limits, what, info.filename)
                    rest = cast(IO[bytes], _Prefixed(head, stream))
                    largest = max(largest, _scan_rows(rest, limits, what, info.filename))
            except UnsafeFileError:
                raise
            except _PART_ERRORS as exc:
                raise InputError(
                    f"无法读取该{what}：文件已损坏，请检查后重新上传。", f"{info.filename}: {type(exc).__name__}: {exc}"
                ) from exc
    return largest


class _Prefixed:
    """A stream that first returns ``head`` (already read) and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            return head
        return self._stream.read(size)
