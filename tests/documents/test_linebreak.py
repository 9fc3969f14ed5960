"""Chinese line breaking for the PDFs: widths respected, 避头尾 rules, digit runs kept whole."""

from __future__ import annotations

from assistant.documents.linebreak import NO_LINE_END, NO_LINE_START, break_lines


def width(text: str) -> float:
    """Monospace measure: CJK 1, ASCII 0.5."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def test_lines_fit_and_keep_all_text() -> None:
    text = "放学时段学校门口电动自行车停放无序，学生过马路存在安全隐患。" * 3
    lines = break_lines(text, 10, width)
    assert "".join(lines) == text
    assert all(width(line) <= 10 for line in lines)
    assert len(lines) >= 9


def test_first_line_indent_shortens_the_first_line() -> None:
    lines = break_lines("一二三四五六七八九十一二三四五六七八九十", 10, width, first_indent=2)
    assert lines[0] == "一二三四五六七八" and lines[1] == "九十一二三四五六七八"


def test_closing_marks_never_start_and_opening_marks_never_end_a_line() -> None:
    text = "甲乙丙丁戊己庚辛壬，癸子丑寅卯辰巳午未“申酉戌亥”甲乙丙丁戊己庚辛（壬癸）。" * 4
    for size in range(6, 14):
        lines = break_lines(text, size, width)
        assert "".join(lines) == text
        assert all(line[0] not in NO_LINE_START for line in lines[1:] if line), (size, lines)
        assert all(line[-1] not in NO_LINE_END for line in lines if line), (size, lines)


def test_numbers_are_not_split() -> None:
    lines = break_lines("共收到群众金点子12345件", 8, width)
    assert any("12345" in line for line in lines)


def test_hard_breaks_start_new_lines() -> None:
    assert break_lines("第一行\n第二行", 20, width) == ["第一行", "第二行"]
