"""PDF twins of the Word files, on fpdf2 with embedded (subset) Noto Serif SC / Noto Sans SC.

The fonts come from the PyPI package ``pylopdf-fonts-zh-cn`` (SIL OFL 1.1, data only). They are embedded as
subsets, so a PDF shows its Chinese on any reader and printer without fonts installed. Roles: 仿宋, 宋体 and
楷体 are set in Noto Serif SC, 小标宋 in Noto Serif SC with the outline stroked (a heavier face), 黑体 in
Noto Sans SC. The methods mirror ``wordml.OfficialDocx`` so a document can be written once for both.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import TextMode, WrapMode
from fpdf.fonts import FontFace

from assistant.documents.fonts import SANS, SERIF, font_files
from assistant.documents.layout import (
    BLACK,
    BODY_SIZE,
    DARK_RED,
    MM_PER_PT,
    OFFICIAL_PAGE,
    PAGE_NUMBER_GAP_MM,
    PAGE_NUMBER_SIZE,
    RECORD_THICK_PT,
    RECORD_THIN_PT,
    RGB,
    SIZE_SIHAO,
    TITLE_SIZE,
    Align,
    PageGeometry,
    Role,
    char_pitch_pt,
    line_pitch_pt,
)
from assistant.documents.linebreak import break_lines

_FAMILY: dict[str, str] = {"body": SERIF, "title": SERIF, "heading1": SANS, "heading2": SERIF, "page_number": SERIF}
STROKE_EM = 0.035  # outline width for the heavier title face, in ems


class OfficialPdf(FPDF):
    """An A4 (or landscape) PDF in the GB/T 9704 geometry: 22 lines of 28 characters, page numbers outside."""

    def __init__(self, page: PageGeometry = OFFICIAL_PAGE, *, page_numbers: bool = True, title: str = "") -> None:
        super().__init__(orientation="L" if page.width > page.height else "P", unit="mm", format="A4")
        self.geometry = page
        self.page_numbers = page_numbers
        self.line_h = line_pitch_pt(page) * MM_PER_PT
        self.grid_spacing = char_pitch_pt(page) - BODY_SIZE  # pt, negative: 28 characters of 16 pt in 156 mm
        self.set_margins(page.left, page.top, page.right)
        self.set_auto_page_break(True, margin=page.bottom)
        self.c_margin = 0
        self.set_lang("zh-CN")
        self.set_creator("百姓提案培育助手")
        if title:
            self.set_title(title)

    def set_font(self, family: str | None = None, style: str = "", size: float = 0) -> None:  # type: ignore[override]
        """Select a font, embedding our serif/sans on first use only (each costs parsing and subsetting)."""
        key = (family or "").lower()
        if key in (SERIF, SANS) and key not in self.fonts:
            self.add_font(key, "", str(font_files()[key]))
        super().set_font(family, style, size)

    @property
    def text_width(self) -> float:
        """Width of the 版心 on the current page."""
        return self.w - self.l_margin - self.r_margin

    # -- page furniture ----------------------------------------------------------------------------------------
    def header(self) -> None:
        """Mirror the margins on even pages (the binding edge, 订口, is on the right there)."""
        g = self.geometry
        left, right = (g.right, g.left) if g.mirror and self.page_no() % 2 == 0 else (g.left, g.right)
        self.set_left_margin(left)
        self.set_right_margin(right)
        self.set_x(left)

    def footer(self) -> None:
        """“— n —” in 4号 serif, 7 mm under the 版心: odd pages right, even pages left, one character in."""
        if not self.page_numbers:
            return
        g = self.geometry
        with self.local_context():
            self.set_font(SERIF, size=PAGE_NUMBER_SIZE)
            self.set_char_spacing(0)
            text = f"— {self.page_no()} —"
            width = self.get_string_width(text)
            one_char = PAGE_NUMBER_SIZE * MM_PER_PT
            odd = self.page_no() % 2 == 1
            x = self.w - self.r_margin - one_char - width if odd else self.l_margin + one_char
            baseline = g.height - g.bottom + PAGE_NUMBER_GAP_MM + 0.3 * one_char  # the dash sits ≈0.3 em up
            self.text(x, baseline, text)

    # -- text --------------------------------------------------------------------------------------------------
    def lines_of(self, text: str, width: float, *, family: str = SERIF, size: float = BODY_SIZE,
                 spacing: float = 0.0, first_indent: float = 0.0) -> list[str]:
        """``text`` broken into lines of at most ``width`` mm in the given font (避头尾 rules applied)."""
        self.set_font(family, size=size)
        self.set_char_spacing(spacing)
        return break_lines(text, width, self.get_string_width, first_indent)

    def put_line(self, x: float, text: str, size: float, line_h: float, *, stroke: bool = False,
                 color: RGB = BLACK) -> None:
        """One line in the current font, vertically centred in a box of ``line_h``; moves down one line."""
        baseline = self.get_y() + line_h / 2 + 0.35 * size * MM_PER_PT
        self.set_text_color(*color)
        if stroke:
            with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=size * MM_PER_PT * STROKE_EM,
                                    draw_color=color):
                self.text(x, baseline, text)
        else:
            self.text(x, baseline, text)
        self.set_text_color(*BLACK)
        self.set_y(self.get_y() + line_h)

    def add_paragraph(self, text: str = "", *, role: Role = "body", size: float = BODY_SIZE, indent: bool = True,
                      align: Align = "J", color: RGB | None = None, bold: bool = False,
                      line_spacing: float | None = None, letter_spacing: float = 0.0) -> None:
        """A paragraph: first line indented two characters, lines justified by spacing the characters out.

        3号 text is condensed to 28 characters a line like the Word file; ``line_spacing`` is in points."""
        family = _FAMILY[role]
        stroke = bold or role == "title"
        spacing = (self.grid_spacing if size == BODY_SIZE and not letter_spacing else 0.0) + letter_spacing
        line_h = (line_spacing * MM_PER_PT if line_spacing else
                  self.line_h if size == BODY_SIZE else size * 1.5 * MM_PER_PT)
        indent_mm = 2 * (size + spacing) * MM_PER_PT if indent else 0.0
        width = self.text_width
        if not text:
            self.add_blank(1, line_h)
            return
        lines = self.lines_of(text, width, family=family, size=size, spacing=spacing, first_indent=indent_mm)
        for n, line in enumerate(lines):
            if self.will_page_break(line_h):
                self.add_page()
            lead = indent_mm if n == 0 else 0.0
            self.set_char_spacing(spacing)
            natural = self.get_string_width(line) - (spacing * MM_PER_PT if letter_spacing else 0.0)
            extra = 0.0
            if align == "J" and n < len(lines) - 1 and line:
                extra = (width - lead - natural) / MM_PER_PT / len(line)
                extra = extra if 0 <= extra <= size * 0.6 else 0.0
            x = {"C": self.l_margin + (width - natural) / 2, "R": self.l_margin + width - natural}.get(
                align, self.l_margin + lead)
            self.set_char_spacing(spacing + extra)
            self.put_line(x, line, size, line_h, stroke=stroke, color=color or BLACK)
        self.set_char_spacing(0)

    def add_title(self, text: str, *, role: Role = "title", size: float = TITLE_SIZE, color: RGB | None = None,
                  space_after_lines: int = 1, letter_spacing: float = 0.0) -> None:
        """A centred title (2号, heavier serif; ``\\n`` starts a new line), then empty lines."""
        for part in text.split("\n"):
            self.add_paragraph(part, role=role, size=size, indent=False, align="C", color=color,
                               line_spacing=round(size * 1.5), letter_spacing=letter_spacing)
        self.add_blank(space_after_lines)

    def add_heading(self, text: str, level: int = 1) -> None:
        """一级标题 in sans (黑体), 二级 in serif (楷体 stand-in), 三级 serif heavier; indented two characters."""
        if self.will_page_break(self.line_h * 2):  # keep a heading with the line after it
            self.add_page()
        role: Role = "heading1" if level == 1 else "heading2"
        self.add_paragraph(text, role=role, align="L", bold=level >= 3)

    def add_blank(self, lines: int = 1, line_h: float | None = None) -> None:
        """Empty lines (on the 22-line pitch unless ``line_h`` mm is given)."""
        for _ in range(lines):
            step = line_h or self.line_h
            if self.will_page_break(step):
                self.add_page()
                return
            self.set_y(self.get_y() + step)

    def add_split_line(self, left: str, right: str, *, size: float = BODY_SIZE, role: Role = "body") -> None:
        """One line with ``left`` at the left edge and ``right`` at the right edge of the 版心."""
        self.set_font(_FAMILY[role], size=size)
        self.set_char_spacing(0)
        y = self.get_y()
        line_h = max(self.line_h, size * 1.5 * MM_PER_PT)
        self.put_line(self.l_margin, left, size, line_h)
        self.set_y(y)
        self.put_line(self.w - self.r_margin - self.get_string_width(right), right, size, line_h)

    def add_table(self, rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *, header: bool = True,
                  size: float = SIZE_SIHAO, align_numbers: bool = True,
                  colspans: Sequence[Sequence[int]] | None = None, caption: str = "") -> None:
        """A grid table, its caption above; header row in sans, repeated on each page; 避头尾 line breaks.

        The caption moves to the next page with the table when fewer than three rows would fit."""
        pad = 1.5
        line_h = self.line_h if size >= BODY_SIZE else size * 1.5 * MM_PER_PT
        first_rows = min(len(rows), 3) * (line_h + 2 * pad) + (size * 1.5 * MM_PER_PT if caption else 0.0)
        if self.will_page_break(first_rows):
            self.add_page()
        if caption:
            self.add_paragraph(caption, size=size, indent=False, align="C")
        self.set_font(SERIF, size=size)
        self.set_char_spacing(0)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.3)
        heading_style = FontFace(family=SANS, emphasis="NONE", size_pt=size, fill_color=None)
        if header:
            self.set_font(SANS, size=size)  # registered before fpdf2 switches to it for the header row
            self.set_font(SERIF, size=size)
        # fpdf2 cannot split a row over two pages, and moves a row that does not fit to the next page: a tall
        # cell goes on in continuation rows sized to the space left, tracked here as fpdf2 will lay it out.
        page_top, page_bottom = self.t_margin, self.h - self.b_margin
        prepared = [self._table_cells(row, colspans[r] if colspans else [1] * len(row), widths_mm, pad, size,
                                      is_header=header and r == 0, align_numbers=align_numbers)
                    for r, row in enumerate(rows)]
        head_h = (max(len(lines) for lines, _, _ in prepared[0]) * line_h + 2 * pad) if header and rows else 0.0
        max_lines = max(int((page_bottom - page_top - head_h - 2 * pad - 0.5) / line_h), 3)
        y = self.get_y()
        with self.table(col_widths=tuple(widths_mm), width=sum(widths_mm), align="CENTER", line_height=line_h,
                        padding=pad, wrapmode=WrapMode.CHAR, first_row_as_headings=header, text_align="LEFT",
                        headings_style=heading_style, v_align="MIDDLE",
                        repeat_headings=1 if header else 0) as table:
            for cells in prepared:
                tallest = max(len(lines) for lines, _, _ in cells)
                start = 0
                while start < tallest:
                    room = int((page_bottom - y - 2 * pad - 0.5) / line_h)
                    take = min(tallest - start, max_lines)
                    if room < min(take, 3):  # too little room: the chunk starts a new page
                        y, room = page_top + head_h, max_lines
                    take = min(take, room)
                    out = table.row()
                    self.set_font(SERIF, size=size)
                    for lines, span, align in cells:
                        out.cell("\n".join(lines[start:start + take]), colspan=span, align=align)
                    y += take * line_h + 2 * pad
                    start += take
        self.set_char_spacing(0)

    def _table_cells(self, row: Sequence[str], spans: Sequence[int], widths_mm: Sequence[float], pad: float,
                     size: float, *, is_header: bool, align_numbers: bool) -> list[tuple[list[str], int, str]]:
        """Each cell of a row as (lines, colspan, alignment)."""
        cells: list[tuple[list[str], int, str]] = []
        col = 0
        for value, span in zip(row, spans, strict=True):
            width = sum(widths_mm[col:col + span]) - 2 * pad
            lines = self.lines_of(value, width, family=SANS if is_header else SERIF, size=size)
            centred = is_header or (align_numbers and _is_number(value))
            cells.append((lines, span, "C" if centred else "L"))
            col += span
        return cells

    def add_picture(self, png: bytes, width_mm: float, caption: str = "") -> None:
        """A centred picture (and caption), starting a new page if it does not fit."""
        from PIL import Image

        with Image.open(io.BytesIO(png)) as img:
            height_mm = width_mm * img.height / img.width
        if self.will_page_break(height_mm + (self.line_h if caption else 0)):
            self.add_page()
        self.image(io.BytesIO(png), x=self.l_margin + (self.text_width - width_mm) / 2, y=self.get_y(), w=width_mm)
        self.set_y(self.get_y() + height_mm + 1)
        if caption:
            self.add_paragraph(caption, size=SIZE_SIHAO, indent=False, align="C")

    def add_rule(self, color: RGB = DARK_RED, width_pt: float = 1.0) -> None:
        """A horizontal line across the 版心 (分隔线)."""
        with self.local_context(draw_color=color, line_width=width_pt * MM_PER_PT):
            y = self.get_y() + 1.25
            self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(self.get_y() + 2.5)

    def add_record(self, lines: Sequence[str], *, size: float = SIZE_SIHAO) -> None:
        """版记 at the foot of the last page: thick rules above and below, a thin one before the last line."""
        line_h = size * 1.5 * MM_PER_PT
        width = self.text_width - 2 * size * MM_PER_PT
        wrapped = [self.lines_of(line, width, size=size) for line in lines]
        height = sum(len(w) for w in wrapped) * line_h + 3 * 2.5
        if self.will_page_break(height):
            self.add_page()
        self.set_y(self.h - self.geometry.bottom - height)
        self.add_rule(BLACK, RECORD_THICK_PT)
        for n, parts in enumerate(wrapped):
            if n == len(wrapped) - 1 and n:
                self.add_rule(BLACK, RECORD_THIN_PT)
            for part in parts:
                self.set_font(SERIF, size=size)
                self.set_char_spacing(0)
                self.put_line(self.l_margin + size * MM_PER_PT, part, size, line_h)
        self.add_rule(BLACK, RECORD_THICK_PT)

    def to_bytes(self) -> bytes:
        """The PDF file."""
        return bytes(self.output())


def _is_number(value: str) -> bool:
    return value.replace(".", "", 1).rstrip("%").isdigit()


def split_pages(pdf: bytes) -> list[bytes]:
    """One single-page PDF per page of ``pdf`` (each keeps the shared font subset)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    info = {k: v for k, v in (reader.metadata or {}).items() if isinstance(v, str)}
    pages: list[bytes] = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        writer.add_metadata(info)
        out = io.BytesIO()
        writer.write(out)
        pages.append(out.getvalue())
    return pages
