"""Cue extractors: evidence spans of stakes, legal matters and general suggestions."""

from __future__ import annotations

from assistant.screening import cues


def kinds(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for cue in cues.extract(text):
        found.setdefault(cue.kind, []).append(cue.text)
    return found


def test_spans_point_into_the_text() -> None:
    text = "公司拖欠我三个月工资一万八，老板说没钱，请帮帮我。"
    for cue in cues.extract(text):
        assert text[cue.start : cue.end] == cue.text


def test_case_number_is_found_and_decides_the_category() -> None:
    text = "我的案件（2019）湘0102民初123号拖了两年，请督促法院判决。"
    found = kinds(text)
    assert "（2019）湘0102民初123号" in found["case_number"]
    assert cues.decisive_category(cues.extract(text)) == "司法诉讼"


def test_counterparty_amount_and_first_person_stake() -> None:
    found = kinds("房东不退我三千块押金，我的东西还被他扔了。")
    assert any("房东不退" in t for t in found["counterparty"])
    assert any("三千块" in t for t in found["amount"])
    assert "我的" in found["first_person"]


def test_single_case_intervention_request() -> None:
    found = kinds("恳请领导为民做主，帮我们讨回公道。")
    assert found["intervention"]


def test_suing_a_government_organ_is_administrative_litigation_even_across_clauses() -> None:
    text = "街道和城管联合执法把我的店拆了，法院已经立案我告他们的案子。"
    assert cues.decisive_category(cues.extract(text)) == "行政诉讼"
    assert cues.decisive_category(cues.extract("我想起诉小区物业乱收费。")) is None


def test_explicit_review_wording_is_decisive() -> None:
    assert cues.decisive_category(cues.extract("对这个罚款决定我要申请行政复议。")) == "行政复议"


def test_report_petition_complaint_wording() -> None:
    found = kinds("我要举报违建，之前投诉过，也去上访过。")
    assert found["report"] and found["complaint"] and found["petition"]


def test_general_suggestion_needs_a_generality_or_public_action() -> None:
    assert cues.general_suggestions("建议全市统一规划充电桩。") == ["建议全市统一规划充电桩"]
    assert cues.general_suggestions("建议公交公司公布每条线路的准点率。")
    assert cues.general_suggestions("建议有关部门尽快处理。") == []


def test_suggestion_evidence_extends_to_the_clause_end() -> None:
    text = "建议增设夜班公交，方便加班的人。"
    cue = next(c for c in cues.extract(text) if c.kind == "suggestion")
    assert cues.phrase(text, cue) == "建议增设夜班公交"
