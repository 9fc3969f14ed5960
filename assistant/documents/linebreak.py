"""Line breaking for Chinese text in the PDFs: by character, with the usual 避头尾 (kinsoku) rules.

Closing punctuation never starts a line and opening punctuation never ends one; runs of Latin letters and
digits (2023, 12345, A3) stay whole. Word does the same for the .docx itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉〗”’…—–·%‰℃,.;:?!)]}")
NO_LINE_END = frozenset("（《「『【〔〈〖“‘([{")
_UNITS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%:/\-+_@]*|\s+|.", re.S)


def _units(text: str) -> list[str]:
    return _UNITS.findall(text)


def break_lines(text: str, width: float, measure: Callable[[str], float], first_indent: float = 0.0) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (the first ``first_indent`` narrower); ``\\n`` breaks."""
    lines: list[str] = []
    indent = first_indent
    for paragraph in text.split("\n"):
        lines.extend(_break_paragraph(paragraph, width, measure, indent))
        indent = 0.0
    return lines


def _break_paragraph(text: str, width: float, measure: Callable[[str], float], indent: float) -> list[str]:
    units: list[str] = []
    for unit in _units(text):
        if len(unit) > 1 and measure(unit) > width:  # a run longer than a line is broken by character
            units.extend(unit)
        else:
            units.append(unit)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    avail = width - indent
    for unit in units:
        w = measure(unit)
        if current and used + w > avail + 1e-6:
            current, carried = _carry(current, unit)
            lines.append("".join(current).rstrip())
            current = carried
            used = sum(measure(u) for u in current)
            avail = width
            if unit.isspace() and not current:  # no leading space on a continued line
                continue
        current.append(unit)
        used += w
    lines.append("".join(current).rstrip())
    return lines


def _carry(current: list[str], next_unit: str) -> tuple[list[str], list[str]]:
    """Split ``current`` into the line to keep and the units carried down, so that the next line does not
    start with closing punctuation and the kept line does not end with opening punctuation."""
    kept, carried = list(current), list[str]()
    while len(kept) > 1 and ((carried[0] if carried else next_unit)[0] in NO_LINE_START
                             or kept[-1][-1] in NO_LINE_END):
        carried.insert(0, kept.pop())
    return kept, carried
