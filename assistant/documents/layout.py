"""Page geometry and type sizes of GB/T 9704-2012 (党政机关公文格式), and the font sets used for Word files.

Figures (GB/T 9704-2012 §5.1–5.2, §7.3.1, §7.5):
A4 210 mm × 297 mm; 天头 (top) 37 mm ± 1, 订口 (binding side) 28 mm ± 1; 版心 156 mm × 225 mm, so the
bottom margin is 35 mm and the outside margin 26 mm; body 3号仿宋 (16 pt), 22 lines of 28 characters a page;
title 2号小标宋 (22 pt); page numbers 4号 (14 pt) half-width 宋体 Arabic numerals with an em dash (一字线)
each side, 7 mm below the 版心, odd pages right and even pages left, one character in from the edge of the 版心.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

MM_PER_PT = 25.4 / 72

Align = Literal["J", "L", "C", "R"]
Role = Literal["body", "title", "heading1", "heading2", "page_number"]
"""Font roles: 仿宋 body, 小标宋 title, 黑体 first-level and 楷体 second-level headings, 宋体 page numbers."""
RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)
DARK_RED: RGB = (0xA5, 0x00, 0x21)

# Chinese type sizes (字号) in points.
SIZE_CHUHAO = 42.0
SIZE_XIAOCHU = 36.0
SIZE_YIHAO = 26.0
SIZE_XIAOYI = 24.0
SIZE_ERHAO = 22.0
SIZE_XIAOER = 18.0
SIZE_SANHAO = 16.0
SIZE_SIHAO = 14.0
SIZE_XIAOSI = 12.0


class PageGeometry(BaseModel):
    """A page and its margins in millimetres (``left`` is the binding side, 订口, on odd pages)."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    mirror: bool = Field(default=False, description="Swap left/right on even pages (double-sided printing).")
    footer_distance: float = Field(default=0.0, description="Page bottom edge to the bottom of the footer line.")

    @property
    def text_width(self) -> float:
        """Width of the 版心."""
        return self.width - self.left - self.right

    @property
    def text_height(self) -> float:
        """Height of the 版心."""
        return self.height - self.top - self.bottom


LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_SIZE = SIZE_SANHAO
TITLE_SIZE = SIZE_ERHAO
PAGE_NUMBER_SIZE = SIZE_SIHAO
PAGE_NUMBER_GAP_MM = 7.0  # 一字线 below the bottom edge of the 版心
RECORD_THICK_PT = 1.0  # 版记 first and last rules (0.35 mm recommended)
RECORD_THIN_PT = 0.7  # 版记 rules in between (0.25 mm)

OFFICIAL_PAGE = PageGeometry(
    width=210.0, height=297.0, top=37.0, bottom=35.0, left=28.0, right=26.0, mirror=True,
    # The footer line is 14 pt (≈4.9 mm) tall; its bottom at 25.5 mm puts the dashes ≈7 mm under the 版心.
    footer_distance=25.5,
)
CERTIFICATE_PAGE = PageGeometry(width=297.0, height=210.0, top=22.0, bottom=20.0, left=28.0, right=28.0)


def line_pitch_pt(page: PageGeometry = OFFICIAL_PAGE, lines: int = LINES_PER_PAGE) -> float:
    """Fixed line spacing that fits ``lines`` lines into the 版心 (225 mm / 22 ≈ 28.95 pt)."""
    return math.floor(page.text_height / MM_PER_PT / lines * 20) / 20  # whole twips, rounded down so 22 fit


def char_pitch_pt(page: PageGeometry = OFFICIAL_PAGE, chars: int = CHARS_PER_LINE) -> float:
    """Character pitch that fits ``chars`` characters into the 版心 width (156 mm / 28 ≈ 15.79 pt)."""
    return page.text_width / MM_PER_PT / chars


class FontChoice(BaseModel):
    """A font named in the Word file, and the commonly installed font a reader should fall back to."""

    name: str = Field(description="Font name written into w:rFonts (ascii, hAnsi, eastAsia).")
    fallback: str = Field(default="", description="w:altName in the font table: a font ordinary Windows has.")
    bold: bool = Field(default=False, description="Bold the text (used when a plain font stands in for a heavy one).")
    family: str = Field(default="roman", description="w:family hint: roman (serif), swiss (sans), modern.")


class FontSet(BaseModel):
    """The fonts of one document: title, body, heading levels and page numbers."""

    title: FontChoice
    body: FontChoice
    heading1: FontChoice
    heading2: FontChoice
    page_number: FontChoice


GBT9704_FONTS = FontSet(
    title=FontChoice(name="方正小标宋简体", fallback="华文中宋"),
    body=FontChoice(name="仿宋_GB2312", fallback="仿宋", family="modern"),
    heading1=FontChoice(name="黑体", fallback="SimHei", family="swiss"),
    heading2=FontChoice(name="楷体_GB2312", fallback="楷体", family="modern"),
    page_number=FontChoice(name="宋体", fallback="SimSun"),
)
"""The fonts GB/T 9704 names (default): exact on machines set up for 公文, font-table hints elsewhere."""

WINDOWS_FONTS = FontSet(
    title=FontChoice(name="宋体", fallback="SimSun", bold=True),
    body=FontChoice(name="仿宋", fallback="FangSong", family="modern"),
    heading1=FontChoice(name="黑体", fallback="SimHei", family="swiss"),
    heading2=FontChoice(name="楷体", fallback="KaiTi", family="modern"),
    page_number=FontChoice(name="宋体", fallback="SimSun"),
)
"""Fonts every Simplified Chinese Windows has (仿宋/楷体/黑体/宋体), for readers without the 公文 fonts."""

FONT_SETS: dict[str, FontSet] = {"gbt9704": GBT9704_FONTS, "windows": WINDOWS_FONTS}
