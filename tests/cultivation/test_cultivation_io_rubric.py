"""DOCX round-trip and malformed input, Markdown, the six-dimension rubric, polishing edits."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from assistant.cultivation.docx_io import LABELS, export_docx, export_markdown, export_pdf, import_docx
from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Attribution, DraftProposal, Proposer
from assistant.cultivation.polish import Polisher
from assistant.cultivation.rubric import REVIEW_DIMENSIONS, QualityRubric
from assistant.cultivation.validator import numbered
from assistant.errors import InputError
from evals.drafting_suite import PERTURBATIONS, perturb

IDEAS = [
    "学校门口放学时候电动车乱停，小孩子过马路很危险，建议设置接送区，增派交警疏导。",
    "我们小区是九十年代的老房子，七层没有电梯，老人家上下楼太难了，希望给老旧小区加装电梯多一些补贴。",
    "下大雨就水浸街，车都开不过去，因为排水管道老化，建议改造老旧排水管网。",
]
FIELDS = {"title", "analysis", "suggestions", "proposer", "remarks"}


@pytest.fixture(scope="module")
def drafts():
    citizen = Proposer(name="张三", occupation="退休教师", phone="13800138000", address="天河区某路1号")
    drafter = OfflineDrafter()
    return [drafter.draft(i, proposer=citizen, attribution=Attribution(citizen=citizen, member="某委员"))
            for i in IDEAS]


def test_docx_round_trip_gives_the_same_fields(drafts) -> None:
    for draft in drafts:
        back = import_docx(export_docx(draft))
        assert back.model_dump(include=FIELDS) == draft.model_dump(include=FIELDS)
        assert "张三" in back.remarks and "某委员" in back.remarks  # 群众署名 travels with the file


def _legacy_export(draft) -> bytes:  # type: ignore[no-untyped-def]
    """The export as it was before the GB/T 9704 layout: python-docx defaults (US Letter), same table."""
    doc = Document()
    doc.add_paragraph("“百姓提案”")
    table = doc.add_table(rows=6, cols=4)
    p = draft.proposer
    for row, values in enumerate(((LABELS["name"], p.name, LABELS["occupation"], p.occupation),
                                  (LABELS["phone"], p.phone, LABELS["address"], p.address))):
        for cell, value in zip(table.rows[row].cells, values, strict=True):
            cell.text = value
    for row, key, lines in ((2, "title", [draft.title]), (3, "analysis", numbered(draft.analysis)),
                            (4, "suggestions", numbered(draft.suggestions)), (5, "remarks", [draft.remarks])):
        cells = table.rows[row].cells
        cells[0].text = LABELS[key]
        merged = cells[1].merge(cells[3])
        merged.text = lines[0]
        for line in lines[1:]:
            merged.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_legacy_exports_still_import(drafts) -> None:
    for draft in drafts:
        old = _legacy_export(draft)
        assert Document(io.BytesIO(old)).sections[0].page_width.mm == pytest.approx(215.9, abs=0.1)
        assert import_docx(old).model_dump(include=FIELDS) == draft.model_dump(include=FIELDS)


def test_docx_export_is_an_a4_official_page_with_chinese_fonts(drafts) -> None:
    doc = Document(io.BytesIO(export_docx(drafts[0])))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.text == "“百姓提案”"
    assert title_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title_run.font.size.pt == 22


def test_pdf_export_carries_the_form(drafts) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(export_pdf(drafts[0])))
    text = re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))
    assert drafts[0].title in text and "情况分析（500字以内）" in text and "张三" in text


@pytest.mark.parametrize("data", [b"", b"not a zip file", b"PK\x03\x04broken"])
def test_malformed_docx_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        import_docx(data)
    assert "文件" in info.value.user_message


def test_markdown_has_every_section(drafts) -> None:
    text = export_markdown(drafts[0])
    for label in ("提出者", "联系电话", "情况分析（500字以内）", "具体建议（1000字以内）", "备注"):
        assert label in text
    assert "1. " in text


def test_review_ranks_every_perturbation_lower(drafts) -> None:
    rubric = QualityRubric()
    for n, draft in enumerate(drafts):
        base = rubric.review(draft).total
        other = drafts[(n + 1) % len(drafts)]
        for kind in PERTURBATIONS:
            assert rubric.review(perturb(draft, kind, other)).total < base, kind


def test_review_has_the_six_dimensions_with_reasons(drafts) -> None:
    report = QualityRubric().review(drafts[0])
    assert [d.name for d in report.dimensions] == list(REVIEW_DIMENSIONS.values())
    assert all(1 <= d.score <= 5 and d.reason for d in report.dimensions)
    assert report.total == sum(d.score for d in report.dimensions)


def test_legacy_score_keeps_five_keys(drafts) -> None:
    report = QualityRubric().score(drafts[0])
    assert [d.key for d in report.dimensions] == ["focus", "accuracy", "depth", "specificity", "format"]


def test_rubric_penalises_invented_standing_and_boilerplate() -> None:
    honest = DraftProposal(
        title="关于在公交站加装候车亭的“百姓提案”",
        analysis=["据提出人反映，其家楼下的公交站没有上盖，"
                  "下雨时候车群众全身湿透。", "（待补充：公交站问题影响多少人。）"],
        suggestions=["建议广州市交通运输局在该公交站加装候车亭。"],
    )
    padded = honest.model_copy(update={
        "analysis": [*honest.analysis, "《中华人民共和国海上交通安全法》第十二条对此已有规定，但在基层落实中仍有差距。",
                     "从往期群众留言看，同类问题曾多次被反映，具有一定普遍性。"],
        "suggestions": [*honest.suggestions, "建议有关部门开展专项调研，建立群众意见收集和反馈渠道，接受群众监督。"],
    })
    rubric = QualityRubric()
    good, bad = rubric.review(honest), rubric.review(padded)
    assert bad.score("accuracy") < good.score("accuracy")
    assert bad.score("citation") < good.score("citation")
    assert bad.total < good.total


def test_polish_edits_can_be_accepted_or_rejected(drafts) -> None:
    suggestions = ["1. 能不能搞个接送区啊！！", "建议广州市教育局公布接送区设置标准。"]
    draft = drafts[0].model_copy(update={"suggestions": suggestions})
    polisher = Polisher()
    edits = polisher.suggest(draft)
    assert [e.id for e in edits] == ["suggestions-1"]
    assert edits[0].diff.startswith("---") and "+建议" in edits[0].diff
    assert polisher.apply(draft, edits, accepted=[]).suggestions[0] == "能不能搞个接送区啊！！"
    accepted = polisher.apply(draft, edits)
    assert accepted.suggestions[0].startswith("建议") and "搞" not in accepted.suggestions[0]
    assert accepted.attribution == draft.attribution and accepted.proposer == draft.proposer


def test_polish_never_edits_quoted_law_or_titles(drafts) -> None:
    quote = "《广州市城市道路管理条例》第三十条规定：“任何单位和个人不得擅自占用城市道路……”"
    draft = drafts[0].model_copy(update={"analysis": [quote + "但现在好多人搞占道经营。" + "情况较为复杂，" * 30]})
    edits = Polisher().suggest(draft)
    for edit in edits:
        assert quote in edit.after
    assert all(len(e.after) >= len(quote) for e in edits)


def test_polish_asks_for_measures_and_quotations_it_cannot_check() -> None:
    draft = DraftProposal(
        title="关于增加长者饭堂送餐服务的“百姓提案”",
        analysis=["据提出人反映，长者饭堂中午十二点就停止供餐。", "《广州市养老服务条例》第三十条规定：“……”"],
        suggestions=["建议广州市民政局在长者饭堂增加送餐上门服务。", "建议尽快解决。",
                     "建议广州市民政局尽快解决长者饭堂供餐时间过短的问题。"],
        units=["广州市民政局"],
    )
    edits = {e.id: e for e in Polisher().suggest(draft)}
    assert "待补充：具体措施" in edits["suggestions-2"].after and "笼统" in edits["suggestions-2"].reason
    assert "待补充：条文原文" in edits["analysis-2"].after
    assert "suggestions-1" not in edits and "suggestions-3" not in edits  # concrete asks are left alone
