"""The GB/T 9704 Word layout: page, margins, East Asian fonts on styles and runs, font table, page numbers."""

from __future__ import annotations

import pytest

from assistant.documents.layout import GBT9704_FONTS, OFFICIAL_PAGE, WINDOWS_FONTS, line_pitch_pt
from assistant.documents.wordml import OfficialDocx
from tests.documents.helpers import NS, part_names, part_xml, w

TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def sample() -> bytes:
    doc = OfficialDocx()
    doc.add_title("关于加强学校周边交通秩序管理的“百姓提案”")
    doc.add_heading("一、群众反映集中的问题", 1)
    doc.add_heading("（一）交通出行", 2)
    doc.add_paragraph("放学时段学校门口电动自行车停放无序。" * 8)
    doc.add_table([["序号", "问题", "件数"], ["1", "交通出行", "42"]], (20, 100, 36))
    return doc.to_bytes()


def _mm(twips: str) -> float:
    return int(twips) / TWIPS_PER_MM


def test_page_is_a4_with_gbt9704_margins(sample: bytes) -> None:
    sect = part_xml(sample, "word/document.xml").find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert round(_mm(size.get(w("w")))) == 210 and round(_mm(size.get(w("h")))) == 297
    assert size.get(w("orient")) in (None, "portrait")
    got = {side: _mm(margins.get(w(side))) for side in ("top", "bottom", "left", "right")}
    assert got == pytest.approx({"top": 37, "bottom": 35, "left": 28, "right": 26}, abs=0.1)
    assert 210 - got["left"] - got["right"] == pytest.approx(156, abs=0.1)  # 版心 width
    assert 297 - got["top"] - got["bottom"] == pytest.approx(225, abs=0.1)  # 版心 height
    assert part_xml(sample, "word/settings.xml").find("w:mirrorMargins", NS) is not None


def test_body_is_22_lines_of_28_characters(sample: bytes) -> None:
    styles = part_xml(sample, "word/styles.xml")
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert spacing.get(w("lineRule")) == "exact"
    pitch = int(spacing.get(w("line"))) / 20
    assert pitch == line_pitch_pt() and 22 * pitch <= 225 / 25.4 * 72 < 23 * pitch
    condensed = int(normal.find("w:rPr/w:spacing", NS).get(w("val"))) / 20
    assert int(normal.find("w:rPr/w:sz", NS).get(w("val"))) == 32  # 三号 = 16 pt
    assert 28 * (16 + condensed) <= 156 / 25.4 * 72 < 29 * (16 + condensed)


@pytest.mark.parametrize(("style", "font", "half_points"), [
    ("Normal", "仿宋_GB2312", 32), ("Title", "方正小标宋简体", 44), ("Heading1", "黑体", 32),
    ("Heading2", "楷体_GB2312", 32),
])
def test_styles_name_east_asian_fonts(sample: bytes, style: str, font: str, half_points: int) -> None:
    el = part_xml(sample, "word/styles.xml").find(f"w:style[@w:styleId='{style}']", NS)
    fonts = el.find("w:rPr/w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == font and fonts.get(w("ascii")) == font
    assert fonts.get(w("eastAsiaTheme")) is None and fonts.get(w("asciiTheme")) is None
    assert int(el.find("w:rPr/w:sz", NS).get(w("val"))) == half_points


def test_runs_and_defaults_carry_east_asian_names(sample: bytes) -> None:
    body = part_xml(sample, "word/document.xml")
    names = {f.get(w("eastAsia")) for f in body.iterfind(".//w:r/w:rPr/w:rFonts", NS)}
    assert {"方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"} <= names
    assert None not in names
    defaults = part_xml(sample, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    assert defaults.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    theme_lang = part_xml(sample, "word/settings.xml").find("w:themeFontLang", NS)
    assert theme_lang.get(w("eastAsia")) == "zh-CN"


def test_font_table_names_fallbacks(sample: bytes) -> None:
    table = part_xml(sample, "word/fontTable.xml")
    alt = {f.get(w("name")): f.find("w:altName", NS).get(w("val")) for f in table.iterfind("w:font", NS)
           if f.find("w:altName", NS) is not None}
    assert alt["仿宋_GB2312"] == "仿宋" and alt["方正小标宋简体"] == "华文中宋" and alt["楷体_GB2312"] == "楷体"
    body = table.find("w:font[@w:name='仿宋_GB2312']", NS)
    assert body.find("w:charset", NS).get(w("val")) == "86"  # GB2312


def test_page_number_field_in_odd_and_even_footers(sample: bytes) -> None:
    doc = part_xml(sample, "word/document.xml")
    refs = {r.get(w("type")) for r in doc.iterfind(".//w:body/w:sectPr/w:footerReference", NS)}
    assert refs == {"default", "even"}
    assert part_xml(sample, "word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    footers = [n for n in part_names(sample) if n.startswith("word/footer")]
    aligns = set()
    for name in footers:
        footer = part_xml(sample, name)
        text = "".join(footer.itertext())
        instr = "".join(t.text for t in footer.iterfind(".//w:instrText", NS))
        assert instr.strip() == "PAGE"
        assert text.startswith("— ") and text.endswith(" —")
        types = [f.get(w("fldCharType")) for f in footer.iterfind(".//w:fldChar", NS)]
        assert types == ["begin", "separate", "end"]
        fonts = {f.get(w("eastAsia")) for f in footer.iterfind(".//w:rFonts", NS)}
        assert fonts == {"宋体"}
        assert {int(s.get(w("val"))) for s in footer.iterfind(".//w:r/w:rPr/w:sz", NS)} == {28}  # 四号
        aligns.add(footer.find(".//w:jc", NS).get(w("val")))
    assert aligns == {"right", "left"}


def test_no_python_docx_sample_thumbnail(sample: bytes) -> None:
    assert not [n for n in part_names(sample) if "thumbnail" in n]


def test_windows_font_set_uses_installed_names() -> None:
    data = OfficialDocx(WINDOWS_FONTS).to_bytes()
    normal = part_xml(data, "word/styles.xml").find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋"
    title = part_xml(data, "word/styles.xml").find("w:style[@w:styleId='Title']", NS)
    assert title.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "宋体"
    assert title.find("w:rPr/w:b", NS) is not None  # plain 宋体 stands in for 小标宋 in bold
    assert GBT9704_FONTS.body.name != WINDOWS_FONTS.body.name


def test_geometry_figures() -> None:
    assert OFFICIAL_PAGE.text_width == 156 and OFFICIAL_PAGE.text_height == 225


def _all_documents(sample: bytes) -> list[bytes]:
    from assistant.documents.certificate import certificates_docx
    from assistant.documents.periodical import periodical_docx
    from assistant.documents.proposal_form import form_docx
    from assistant.documents.samples import sample_certificates, sample_form, sample_issue

    return [sample, form_docx(sample_form()), certificates_docx(sample_certificates(2)),
            periodical_docx(sample_issue())]


def test_added_elements_follow_schema_order_without_duplicates(sample: bytes) -> None:
    from assistant.documents import wordml

    orders = {"rPr": wordml._RPR_ORDER, "pPr": wordml._PPR_ORDER, "sectPr": wordml._SECTPR_ORDER,
              "tblPr": wordml._TBLPR_ORDER}
    checked = 0
    for data in _all_documents(sample):
        names = ["word/document.xml", "word/styles.xml"] + [n for n in part_names(data) if n.startswith("word/footer")]
        for name in names:
            for parent, order in orders.items():
                for el in part_xml(data, name).iterfind(f".//w:{parent}", NS):
                    tags = ["w:" + c.tag.split("}")[1] for c in el if c.tag.startswith(f"{{{NS['w']}}}")]
                    if parent != "sectPr":  # sectPr may hold several header/footer references
                        assert len(tags) == len(set(tags)), (name, parent, tags)
                    known = [order.index(t) for t in tags if t in order]
                    assert known == sorted(known), (name, parent, tags)
                    checked += 1
    assert checked > 100
