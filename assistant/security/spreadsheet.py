"""Cells that a spreadsheet program will never run as a formula (CSV/formula injection).

Every writer of .xlsx or .csv files passes each value through :func:`safe_cell`: a text that starts with
``= + - @``, a tab or a carriage return gets a leading apostrophe, so Excel/WPS/LibreOffice show it as
text, and openpyxl writes it as a string instead of a formula. Numbers, dates, booleans and None pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""First characters that make a spreadsheet program read a cell as a formula (ASCII and full-width forms)."""


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text that could be read as a formula; then ``"'" + value``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """:func:`safe_cell` of every value of a row."""
    return [safe_cell(v) for v in values]
