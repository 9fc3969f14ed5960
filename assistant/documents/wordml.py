"""Word (.docx) files in the GB/T 9704 layout on python-docx: page, fonts with East Asian names, page numbers.

python-docx sets only the Latin font names (w:ascii, w:hAnsi); Chinese text uses w:eastAsia, so every font
here is written to all of ascii/hAnsi/eastAsia/cs and the theme-font attributes are removed (they win over
explicit names otherwise). Each font also gets a font-table entry (charset GB2312, family, w:altName naming
a font ordinary Windows has, see ``layout.GBT9704_FONTS``) that Word and WPS use to pick a substitute.
Elements python-docx has no API for are inserted in schema order: Word rejects out-of-order children.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from assistant.documents.layout import (
    BLACK,
    BODY_SIZE,
    DARK_RED,
    GBT9704_FONTS,
    OFFICIAL_PAGE,
    PAGE_NUMBER_SIZE,
    RECORD_THICK_PT,
    RECORD_THIN_PT,
    RGB,
    SIZE_SIHAO,
    TITLE_SIZE,
    Align,
    FontChoice,
    FontSet,
    PageGeometry,
    Role,
    char_pitch_pt,
    line_pitch_pt,
)

_ALIGN = {"J": WD_ALIGN_PARAGRAPH.JUSTIFY, "L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER,
          "R": WD_ALIGN_PARAGRAPH.RIGHT}
_FONT_CHARSET_GB2312 = "86"
KEEP_TOGETHER_ROWS = 15

# Child order of the elements we add to (ECMA-376 Part 1, §17).
_SECTPR_ORDER = ("w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders",
                 "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                 "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish",
              "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
              "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
              "w:eastAsianLayout", "w:specVanish", "w:oMath")
_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
              "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
              "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_SETTINGS_BEFORE_MIRROR = frozenset((
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData",
))


def _prefixed(tag: str) -> str:
    return "w:" + tag.split("}", 1)[1] if tag.startswith("{") else tag


def insert_ordered(parent, child, order: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    """Insert ``child`` into ``parent`` where the schema order wants it, replacing a same-named element."""
    old = parent.find(child.tag)
    if old is not None:
        parent.replace(old, child)
        return
    later = set(order[order.index(_prefixed(child.tag)) + 1:])
    for el in parent:
        if _prefixed(el.tag) in later:
            el.addprevious(child)
            return
    parent.append(child)


def _child(parent, tag: str, order: Sequence[str], **attrs: str):  # type: ignore[no-untyped-def]
    """The ``tag`` child of ``parent`` (created in schema order when missing), with ``attrs`` set."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        insert_ordered(parent, el, order)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def set_font(target: Run | None, font: FontChoice, size: float | None = None, *, rpr=None) -> None:  # type: ignore[no-untyped-def]
    """Name ``font`` for Latin and East Asian text of a run (or of an rPr element) and set its size."""
    rpr = rpr if rpr is not None else target._r.get_or_add_rPr()  # type: ignore[union-attr]
    fonts = _child(rpr, "w:rFonts", _RPR_ORDER)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), font.name)
    if size is not None:
        _child(rpr, "w:sz", _RPR_ORDER, val=str(round(size * 2)))
        _child(rpr, "w:szCs", _RPR_ORDER, val=str(round(size * 2)))
    if font.bold:
        _child(rpr, "w:b", _RPR_ORDER)
        _child(rpr, "w:bCs", _RPR_ORDER)


class OfficialDocx:
    """A Word document laid out per GB/T 9704; add content with the ``add_*`` methods, then ``to_bytes()``."""

    def __init__(self, fonts: FontSet = GBT9704_FONTS, page: PageGeometry = OFFICIAL_PAGE, *,
                 page_numbers: bool = True, grid: bool = True) -> None:
        self.fonts = fonts
        self.page = page
        self.doc: DocxDocument = Document()
        self.line_pitch = line_pitch_pt(page)
        # 28 characters a line: 16 pt characters condensed to the 版心 pitch (156 mm / 28 ≈ 15.79 pt), in whole
        # twips rounded down (−0.25 pt). Word's “linesAndChars” document grid would do the same, but LibreOffice
        # then gives every character two grid cells, so plain character spacing it is.
        self.char_spacing = math.floor((char_pitch_pt(page) - BODY_SIZE) * 20) / 20 if grid else 0.0
        self._drop_thumbnail()
        self._setup_styles()
        self._setup_section(self.doc.sections[0], page)
        if page.mirror:
            self._settings_flag("w:mirrorMargins")
        theme_lang = self.doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:  # the template says ja-JP: theme fonts and punctuation rules would be Japanese
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        if page_numbers:
            self._add_page_numbers(self.doc.sections[0])
        self._write_font_table()

    def font(self, role: Role) -> FontChoice:
        """The font of a role (body 仿宋, title 小标宋, heading1 黑体, heading2 楷体, page_number 宋体)."""
        return getattr(self.fonts, role)

    # -- setup -------------------------------------------------------------------------------------------------
    def _drop_thumbnail(self) -> None:
        """python-docx's template carries a thumbnail of its own sample page; file browsers would show it."""
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                del package.rels[rid]

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        set_font(None, self.fonts.body, BODY_SIZE, rpr=rpr)
        _child(rpr, "w:lang", _RPR_ORDER, val="en-US", eastAsia="zh-CN")
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = _child(ppr, "w:spacing", _PPR_ORDER)
        spacing.attrib.clear()
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(round(self.line_pitch * 20)))
        spacing.set(qn("w:lineRule"), "exact")

        normal = styles["Normal"]
        normal_rpr = normal.element.get_or_add_rPr()
        set_font(None, self.fonts.body, BODY_SIZE, rpr=normal_rpr)
        if self.char_spacing:
            _child(normal_rpr, "w:spacing", _RPR_ORDER, val=str(round(self.char_spacing * 20)))
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(self.line_pitch)
        fmt.space_after = Pt(0)
        fmt.widow_control = False
        restyled = (("Title", self.fonts.title, TITLE_SIZE), ("Heading 1", self.fonts.heading1, BODY_SIZE),
                    ("Heading 2", self.fonts.heading2, BODY_SIZE), ("Heading 3", self.fonts.body, BODY_SIZE))
        for name, font, size in restyled:
            style = styles[name]
            rpr = style.element.get_or_add_rPr()
            for tag in ("w:color", "w:b", "w:bCs", "w:i", "w:iCs", "w:spacing", "w:kern"):
                for el in rpr.findall(qn(tag)):
                    rpr.remove(el)
            set_font(None, font, size, rpr=rpr)
            style.font.color.rgb = RGBColor(0, 0, 0)
            if name == "Heading 3":
                style.font.bold = True
            ppr = style.element.get_or_add_pPr()
            for el in ppr.findall(qn("w:pBdr")):
                ppr.remove(el)
            fmt = style.paragraph_format
            fmt.space_before = Pt(0)
            fmt.space_after = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            if name == "Title":
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
                fmt.line_spacing = Pt(round(TITLE_SIZE * 1.5))
            else:
                fmt.line_spacing = Pt(self.line_pitch)
                fmt.first_line_indent = Pt(2 * (BODY_SIZE + self.char_spacing))

    def _settings_flag(self, tag: str) -> None:
        """Add an empty flag element to settings.xml at its place in the schema order."""
        settings = self.doc.settings.element
        if settings.find(qn(tag)) is not None:
            return
        for child in settings:
            if _prefixed(child.tag) not in _SETTINGS_BEFORE_MIRROR:
                child.addprevious(OxmlElement(tag))
                return
        settings.append(OxmlElement(tag))

    def _setup_section(self, section: Section, page: PageGeometry) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if page.width > page.height else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(page.footer_distance or 10)
        grid = parse_xml(f'<w:docGrid {nsdecls("w")} w:linePitch="{round(self.line_pitch * 20)}"/>')
        insert_ordered(section._sectPr, grid, _SECTPR_ORDER)

    def _add_page_numbers(self, section: Section) -> None:
        """Footer PAGE fields “— 1 —”: odd pages right, even pages left, one 4号 character in from the 版心."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, "R"), (section.even_page_footer, "L")):
            footer.is_linked_to_previous = False
            para = footer.paragraphs[0]
            para.alignment = _ALIGN[align]
            fmt = para.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(PAGE_NUMBER_SIZE)
            fmt.first_line_indent = Pt(0)
            if align == "R":
                fmt.right_indent = Pt(PAGE_NUMBER_SIZE)
            else:
                fmt.left_indent = Pt(PAGE_NUMBER_SIZE)
            self._page_field(para)

    def _page_field(self, para: Paragraph) -> None:
        font = self.fonts.page_number
        set_font(para.add_run("— "), font, PAGE_NUMBER_SIZE)
        for kind in ("begin", "instr", "separate", "text", "end"):
            run = para.add_run()
            set_font(run, font, PAGE_NUMBER_SIZE)
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._r.append(instr)
            elif kind == "text":
                run.text = "1"
            else:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
        set_font(para.add_run(" —"), font, PAGE_NUMBER_SIZE)

    def _write_font_table(self) -> None:
        """Font-table entries (charset GB2312, family, pitch, altName) so a missing font gets a close substitute."""
        part = next(r.target_part for r in self.doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
        root = etree.fromstring(part.blob)
        seen: set[str] = set()
        for font in (self.fonts.title, self.fonts.body, self.fonts.heading1, self.fonts.heading2,
                     self.fonts.page_number):
            if font.name in seen:
                continue
            seen.add(font.name)
            for old in root.findall(qn("w:font")):
                if old.get(qn("w:name")) == font.name:
                    root.remove(old)
            alt = f'<w:altName w:val="{font.fallback}"/>' if font.fallback and font.fallback != font.name else ""
            root.append(parse_xml(
                f'<w:font {nsdecls("w")} w:name="{font.name}">{alt}<w:charset w:val="{_FONT_CHARSET_GB2312}"/>'
                f'<w:family w:val="{font.family}"/><w:pitch w:val="variable"/></w:font>'))
        # The font table is a plain (blob) part in python-docx; its bytes are replaced as a whole.
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # -- content -----------------------------------------------------------------------------------------------
    def add_title(self, text: str, *, role: Role = "title", size: float = TITLE_SIZE, color: RGB | None = None,
                  space_after_lines: int = 1, letter_spacing: float = 0.0) -> Paragraph:
        """A centred title (2号小标宋 by default; ``\\n`` starts a new line), then empty body lines."""
        para = self.doc.add_paragraph(style="Title")
        for line_no, line in enumerate(text.split("\n")):
            if line_no:
                para.add_run().add_break()
            run = para.add_run(line)
            set_font(run, self.font(role), size)
            if color is not None:
                run.font.color.rgb = RGBColor(*color)
            if letter_spacing:
                _child(run._r.get_or_add_rPr(), "w:spacing", _RPR_ORDER, val=str(round(letter_spacing * 20)))
        if size != TITLE_SIZE:
            para.paragraph_format.line_spacing = Pt(round(size * 1.5))
        for _ in range(space_after_lines):
            self.add_blank()
        return para

    def add_heading(self, text: str, level: int = 1) -> Paragraph:
        """一级标题 (黑体), 二级标题 (楷体) or 三级标题 (仿宋 bold), indented two characters like body text."""
        level = min(max(level, 1), 3)
        para = self.doc.add_paragraph(style=f"Heading {level}")
        run = para.add_run(text)
        set_font(run, {1: self.fonts.heading1, 2: self.fonts.heading2}.get(level, self.fonts.body), BODY_SIZE)
        if level == 3:
            run.bold = True
        return para

    def add_paragraph(self, text: str = "", *, role: Role = "body", size: float = BODY_SIZE, indent: bool = True,
                      align: Align = "J", color: RGB | None = None, bold: bool = False,
                      line_spacing: float | None = None) -> Paragraph:
        """A body paragraph: 3号仿宋, first line indented two characters, justified, on the 22-line pitch."""
        para = self.doc.add_paragraph()
        para.alignment = _ALIGN[align]
        fmt = para.paragraph_format
        fmt.first_line_indent = Pt(2 * (size + self.char_spacing)) if indent else Pt(0)
        if line_spacing is not None:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(line_spacing)
        elif size != BODY_SIZE:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(round(size * 1.5, 1))
        if text:
            run = para.add_run(text)
            set_font(run, self.font(role), size)
            if bold:
                run.bold = True
            if color is not None:
                run.font.color.rgb = RGBColor(*color)
        return para

    def add_blank(self, lines: int = 1) -> None:
        """Empty body lines."""
        for _ in range(lines):
            self.add_paragraph("", indent=False)

    def add_split_line(self, left: str, right: str, *, size: float = BODY_SIZE, role: Role = "body") -> Paragraph:
        """One line with ``left`` at the left edge and ``right`` at the right edge of the 版心 (a right tab)."""
        para = self.add_paragraph("", indent=False, align="L", size=size)
        para.paragraph_format.tab_stops.add_tab_stop(Mm(self.page.text_width), WD_TAB_ALIGNMENT.RIGHT)
        run = para.add_run(f"{left}\t{right}")
        set_font(run, self.font(role), size)
        return para

    def add_table(self, rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *, header: bool = True,
                  size: float = SIZE_SIHAO, align_numbers: bool = True, caption: str = "") -> Table:
        """A grid table, its caption above (4号, centred); the header row (黑体) repeats on each page.

        Short tables (≤ ``KEEP_TOGETHER_ROWS`` rows) are kept on one page with their caption."""
        if caption:
            self.add_paragraph(caption, size=size, indent=False, align="C").paragraph_format.keep_with_next = True
        table = self.form_table(len(rows), widths_mm)
        keep = len(rows) <= KEEP_TOGETHER_ROWS
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                is_header = header and r == 0
                centred = is_header or (align_numbers and _is_number(value))
                cell = table.cell(r, c)
                self.cell_text(cell, [value], size=size, role="heading1" if is_header else "body",
                               align="C" if centred else "L")
                if keep and r < len(rows) - 1:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True
        if header and rows:
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        return table

    def form_table(self, rows: int, widths_mm: Sequence[float]) -> Table:
        """An empty grid table with fixed column widths (for forms); fill it with ``cell_text``."""
        table = self.doc.add_table(rows=rows, cols=len(widths_mm))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        _child(tbl_pr, "w:tblLayout", _TBLPR_ORDER, type="fixed")
        _child(tbl_pr, "w:tblW", _TBLPR_ORDER, w=str(round(sum(widths_mm) / 25.4 * 1440)), type="dxa")
        for col, width in zip(table.columns, widths_mm, strict=True):
            col.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
        return table

    def cell_text(self, cell: _Cell, lines: Sequence[str], *, size: float = BODY_SIZE, role: Role = "body",
                  align: Align = "L") -> None:
        """Replace a cell's text with one paragraph per line, without indentation, at exact line spacing."""
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for n, line in enumerate(list(lines) or [""]):
            para = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            for run in list(para.runs):
                run._r.getparent().remove(run._r)
            para.alignment = _ALIGN[align]
            fmt = para.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(round(size * 1.5, 1)) if size < BODY_SIZE else Pt(self.line_pitch)
            if line:
                set_font(para.add_run(line), self.font(role), size)

    def add_picture(self, png: bytes, width_mm: float, caption: str = "") -> Paragraph:
        """A centred picture, optionally followed by a centred caption (4号仿宋)."""
        para = self.doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.paragraph_format.keep_with_next = bool(caption)
        para.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        if caption:
            self.add_paragraph(caption, indent=False, align="C", size=SIZE_SIHAO)
        return para

    def add_rule(self, color: RGB = DARK_RED, width_pt: float = 1.0) -> Paragraph:
        """A thin empty paragraph with a bottom border across the 版心 (分隔线)."""
        para = self.doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(6)
        border = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{round(width_pt * 8)}" '
                           f'w:space="1" w:color="{RGBColor(*color)}"/></w:pBdr>')
        insert_ordered(para._p.get_or_add_pPr(), border, _PPR_ORDER)
        return para

    def add_record(self, lines: Sequence[str], *, size: float = SIZE_SIHAO) -> None:
        """版记: lines in 4号仿宋 one character in, a thick rule above and below and a thin one before the last."""
        self.add_rule(BLACK, RECORD_THICK_PT)
        for n, line in enumerate(lines):
            if n == len(lines) - 1 and n:
                self.add_rule(BLACK, RECORD_THIN_PT)
            para = self.add_paragraph(line, size=size, indent=False, align="L")
            para.paragraph_format.left_indent = Pt(size)
            para.paragraph_format.right_indent = Pt(size)
            para.paragraph_format.keep_with_next = True
        self.add_rule(BLACK, RECORD_THICK_PT)

    def new_page_section(self) -> Section:
        """Start a new section on a new page, with the same page settings."""
        return self.doc.add_section(WD_SECTION.NEW_PAGE)

    def set_page_border(self, section: Section, color: RGB = DARK_RED) -> None:
        """A thin double border around the page (certificates)."""
        sides = "".join(f'<w:{side} w:val="double" w:sz="6" w:space="20" w:color="{RGBColor(*color)}"/>'
                        for side in ("top", "left", "bottom", "right"))
        insert_ordered(section._sectPr, parse_xml(
            f'<w:pgBorders {nsdecls("w")} w:offsetFrom="page">{sides}</w:pgBorders>'), _SECTPR_ORDER)

    def set_vertical_center(self, section: Section) -> None:
        """Centre the content of the section's pages vertically."""
        insert_ordered(section._sectPr, parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>'), _SECTPR_ORDER)

    def set_properties(self, title: str, subject: str = "", author: str = "") -> None:
        """Document properties shown by Word (author empty rather than python-docx's default)."""
        props = self.doc.core_properties
        props.title, props.subject, props.author = title, subject, author
        props.last_modified_by = author
        props.language = "zh-CN"

    def to_bytes(self) -> bytes:
        """The .docx file."""
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _is_number(value: str) -> bool:
    return value.replace(".", "", 1).rstrip("%").isdigit()
