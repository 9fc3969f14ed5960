"""Plain-text drafts: parsing streamed/pasted text, rendering and diffs."""

from __future__ import annotations

from assistant.cultivation.draft_text import diff_text, parse_draft_text, render_text
from assistant.cultivation.models import DraftProposal

DRAFT = DraftProposal(title="关于设置学生接送区的“百姓提案”", analysis=["放学时段校门口拥堵。"],
                      suggestions=["建议市教育局错峰放学。", "建议交警设置接送区。"], remarks="群众：张三")


def test_render_then_parse_round_trips() -> None:
    parsed = parse_draft_text(render_text(DRAFT, remarks=True))
    assert parsed is not None
    assert parsed.proposal_dict() == DRAFT.proposal_dict() and parsed.remarks == "群众：张三"


def test_headings_with_limits_labels_and_json() -> None:
    text = "标题：关于设置学生接送区的“百姓提案”\n情况分析（500字以内）：\n（一）放学时段校门口拥堵。\n"
    text += "具体建议\n① 建议错峰放学。"
    parsed = parse_draft_text(text)
    assert parsed is not None and parsed.title == "关于设置学生接送区的“百姓提案”"
    assert parsed.analysis == ["放学时段校门口拥堵。"] and parsed.suggestions == ["建议错峰放学。"]
    fenced = '```json\n{"title": "关于x的“百姓提案”", "analysis": ["a"], "suggestions": ["建议b"]}\n```'
    parsed = parse_draft_text(fenced)
    assert parsed is not None and parsed.suggestions == ["建议b"]


def test_text_without_sections_is_not_a_draft() -> None:
    assert parse_draft_text("学校门口太乱了，希望管一管。") is None
    assert parse_draft_text('{"title": 1}') is None


def test_diff_names_versions_and_changed_lines() -> None:
    after = DRAFT.model_copy(update={"suggestions": ["建议市教育局错峰放学。", "建议交警在放学时段设置接送区。"]})
    diff = diff_text(DRAFT, after, "第1版", "第2版")
    assert diff.startswith("--- 第1版\n+++ 第2版")
    assert "-2. 建议交警设置接送区。" in diff and "+2. 建议交警在放学时段设置接送区。" in diff
    assert diff_text(DRAFT, DRAFT, "a", "b") == ""
