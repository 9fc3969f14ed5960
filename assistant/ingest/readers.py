"""Read a user's archive (CSV, XLSX or JSONL) row by row, keeping each row's line number."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.security.archives import DEFAULT_LIMITS, ArchiveLimits, check_upload, check_xlsx
from assistant.security.errors import UnsafeFileError
from assistant.textinput import decode_bytes

MAX_FILE_BYTES = 512 * 1024 * 1024
FORMATS = ("csv", "xlsx", "jsonl")


@dataclass(frozen=True)
class RawRow:
    """One row of the file: its 1-based line (or spreadsheet row) number and its cells by column name."""

    line: int
    cells: dict[str, Any]
    error: str | None = None


def detect_format(path: Path, declared: str | None = None) -> str:
    """The file's format from ``declared`` or its extension."""
    fmt = (declared or path.suffix.lstrip(".")).lower()
    if fmt in {"json", "ndjson"}:
        fmt = "jsonl"
    if fmt in {"tsv", "txt"}:
        fmt = "csv"
    if fmt not in FORMATS:
        raise InputError(
            f"不支持的文件格式「{path.suffix or fmt}」，请使用 CSV、XLSX 或 JSONL。", f"format {fmt!r}"
        )
    return fmt


def read_rows(
    path: Path,
    fmt: str | None = None,
    sheet: str | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> Iterator[RawRow]:
    """Yield the rows of an archive file; unreadable rows come back with ``error`` set.

    The size is checked (``max_bytes``) before anything is read, and an .xlsx is checked against
    ``limits`` (zip bomb, declared and real row count) before openpyxl opens it. Web uploads pass the
    upload limit (``settings.ui.max_upload_mb``); the CLI keeps the larger default.
    """
    if not path.is_file():
        raise InputError(f"找不到文件：{path}", "missing file")
    check_upload(path, max_bytes, what=f"文件 {path.name} ")
    kind = detect_format(path, fmt)
    if kind == "xlsx":
        yield from _read_xlsx(path, sheet, limits)
        return
    text = decode_bytes(path.read_bytes(), what=f"文件 {path.name} ")
    yield from (_read_jsonl(text) if kind == "jsonl" else _read_csv(text))


def _read_jsonl(text: str) -> Iterator[RawRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRow(number, {}, f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）")
            continue
        except (ValueError, RecursionError) as exc:  # e.g. a 5,000-digit number, nesting thousands deep
            yield RawRow(number, {}, f"不是可用的 JSON（{type(exc).__name__}）")
            continue
        if not isinstance(record, dict):
            yield RawRow(number, {}, "每行应是一个 JSON 对象（{…}）")
            continue
        yield RawRow(number, record)


def _read_csv(text: str) -> Iterator[RawRow]:
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        # Excel, WPS and Python write a quote inside a quoted field as "" — the sniffer often guesses otherwise
        # from a sample without such a field, and then splits a long text with quotes into several rows.
        dialect.doublequote = True
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    for row in _csv_rows(reader):
        line = reader.line_num
        if header is None:
            header = [h.strip() for h in row]
            if not any(header):
                raise InputError("CSV 文件第一行应为列名，目前是空的。", "empty header")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield RawRow(line, {}, f"列数（{len(row)}）多于表头（{len(header)}），可能有未加引号的逗号")
            continue
        yield RawRow(line, {h: v for h, v in zip(header, row, strict=False) if h})


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    """The reader's rows; a row the csv module cannot parse (NUL, a field over its size limit) → InputError."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"CSV 文件第 {reader.line_num} 行无法解析（{exc}），请检查该行后重新上传。", f"csv.Error: {exc}"
            ) from exc
        yield row


def _read_xlsx(path: Path, sheet: str | None, limits: ArchiveLimits = DEFAULT_LIMITS) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise InputError(f"文件 {path.name} 不是有效的 Excel（.xlsx）文件。", "not a zip container")
    check_xlsx(path, limits, what=f"Excel 文件 {path.name} ")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(f"Excel 文件 {path.name} 已损坏或无法读取。", repr(exc)) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(f"Excel 中没有名为「{sheet}」的工作表。", f"sheets: {workbook.sheetnames}")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        header: list[str] | None = None
        for number, values in enumerate(_xlsx_rows(worksheet, path), start=1):
            if number > limits.max_rows:  # hard stop, should the pre-check ever be fooled
                raise UnsafeFileError(
                    f"Excel 文件 {path.name} 的行数过多（超过 {limits.max_rows} 行），请拆分后分批导入。",
                    f"more than {limits.max_rows} rows",
                )
            cells = ["" if v is None else v for v in values]
            if header is None:
                header = [str(h).strip() for h in cells]
                continue
            if not any(str(c).strip() for c in cells):
                continue
            yield RawRow(number, {h: v for h, v in zip(header, cells, strict=False) if h})
    finally:
        workbook.close()


def _xlsx_rows(worksheet: Any, path: Path) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as values; a damaged sheet (bad XML, bad zip data) → InputError, not a traceback."""
    rows = worksheet.iter_rows(values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl/lxml/zipfile raise many types for a damaged sheet
            raise InputError(f"Excel 文件 {path.name} 的工作表已损坏，无法继续读取。", repr(exc)[:300]) from exc
        yield values
