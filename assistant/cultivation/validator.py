"""The 附件1 constraints: check a draft, and ``enforce`` them so no draft leaves the engine violating one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.models import DraftProposal, Violation
from assistant.cultivation.references import balanced, repair_brackets
from assistant.cultivation.segment import sentences_of, strip_numbering
from assistant.cultivation.topic import MAX_TOPIC, make_title
from assistant.llm.pii import find_personal_data

ANALYSIS_LIMIT = 500
SUGGESTIONS_LIMIT = 1000
MAX_ANALYSIS_POINTS = 8
MAX_SUGGESTION_POINTS = 10
MIN_TOPIC = 2
TITLE_RE = re.compile(r"^关于(?P<topic>.+)的“百姓提案”$")
_TOPIC_PUNCT = re.compile(r"[，。！？；：,.!?;:\n“”\"]")
PII_REPLACEMENT = "（个人信息已隐去）"
TopicFn = Callable[[str], str]


def numbered(points: list[str]) -> list[str]:
    """Points as rendered in the form: ``1. …``."""
    return [f"{i}. {p}" for i, p in enumerate(points, start=1)]


def section_length(points: list[str]) -> int:
    """Characters the section takes in the form, numbering included, whitespace excluded."""
    return sum(len(re.sub(r"\s", "", p)) for p in numbered(points))


def title_topic(title: str) -> str | None:
    """XX of ``关于XX的“百姓提案”`` (None when the title does not have that form)."""
    match = TITLE_RE.match(title.strip())
    return match.group("topic").strip() if match else None


def _pii_values(draft: DraftProposal) -> list[str]:
    values = [draft.proposer.name, draft.proposer.phone, draft.proposer.address]
    if draft.attribution:
        c = draft.attribution.citizen
        values += [c.name, c.phone, c.address]
    return [v.strip() for v in values if v and len(v.strip()) >= 2]


def find_pii(text: str, known: Sequence[str] = ()) -> list[str]:
    """Personal data found in ``text`` (the shared detectors of :mod:`assistant.llm.pii`: phones, ID numbers,
    e-mails, street addresses, plates, WeChat/QQ ids, introduced names; plus the ``known`` values)."""
    return [s.value for s in find_personal_data(text, known)]


def validate(draft: DraftProposal, idea_text: str | None = None) -> list[Violation]:
    """Every broken constraint of the standard format; ``hard`` ones must be fixed before a draft is shown."""
    out: list[Violation] = []

    def add(code: str, field: str, message: str, hard: bool = True) -> None:
        out.append(Violation(code=code, field=field, message=message, hard=hard))

    topic = title_topic(draft.title)
    if topic is None:
        add("title_format", "title", "标题应写作：关于××的“百姓提案”。")
    else:
        if len(topic) < MIN_TOPIC or len(topic) > MAX_TOPIC + 5:
            limit = MAX_TOPIC + 5
            add("title_topic_length", "title", f"标题中的议题应简洁明确（2–{limit} 字），目前 {len(topic)} 字。")
        if _TOPIC_PUNCT.search(topic):
            add("title_topic_sentence", "title", "标题中的议题应是一个短语，不能是整句话。")
        if idea_text and len(topic) >= 12 and topic in idea_text and len(topic) > 0.6 * len(idea_text):
            add("title_pasted", "title", "标题不能直接照搬群众原文，应概括议题。")
    for field, points, limit, max_points, name in (
        ("analysis", draft.analysis, ANALYSIS_LIMIT, MAX_ANALYSIS_POINTS, "情况分析"),
        ("suggestions", draft.suggestions, SUGGESTIONS_LIMIT, MAX_SUGGESTION_POINTS, "具体建议"),
    ):
        if not [p for p in points if p.strip()]:
            add(f"{field}_empty", field, f"{name}不能为空。")
            continue
        if any(not p.strip() for p in points):
            add(f"{field}_blank_point", field, f"{name}中有空白条目。")
        if any(strip_numbering(p) != p.strip() for p in points):
            add(f"{field}_numbering", field, f"{name}的条目不要自带编号，编号由格式统一生成。")
        if len(points) > max_points:
            add(f"{field}_too_many", field, f"{name}最多 {max_points} 条，目前 {len(points)} 条。")
        length = section_length(points)
        if length > limit:
            add(f"{field}_too_long", field, f"{name}应在 {limit} 字以内，目前 {length} 字。")
    for field, texts in (("title", [draft.title]), ("analysis", draft.analysis), ("suggestions", draft.suggestions)):
        if not all(balanced(t) for t in texts):
            add("unbalanced", field, "引号、书名号或括号不成对（可能是引文被截断）。")
    known = _pii_values(draft)
    for field, texts in (("title", [draft.title]), ("analysis", draft.analysis), ("suggestions", draft.suggestions)):
        if any(find_pii(t, known) for t in texts):
            add("pii", field, "正文中不应出现个人信息（姓名、电话、身份证号、门牌号等），这些只填在提出者栏。")
    missing = draft.proposer.missing()
    if missing:
        labels = {"name": "提出者", "occupation": "职业", "phone": "联系电话", "address": "联系地址"}
        add("proposer_missing", "proposer", "请补充" + "、".join(labels[m] for m in missing) + "。", hard=False)
    catalogue = load_catalogue()
    lacking = [i for i, s in enumerate(draft.suggestions, 1) if s.strip() and not catalogue.names_actor(s)]
    if lacking:
        add("suggestion_actor", "suggestions",
            "建议第 " + "、".join(map(str, lacking)) + " 条没有说明由谁来做。", hard=False)
    return out


def hard_violations(draft: DraftProposal, idea_text: str | None = None) -> list[Violation]:
    """Only the constraints that may never be left broken."""
    return [v for v in validate(draft, idea_text) if v.hard]


# enforce ------------------------------------------------------------------------------------------
def _scrub(text: str, known: list[str]) -> str:
    for span in sorted(find_personal_data(text, known), key=lambda s: -s.start):
        text = text[: span.start] + PII_REPLACEMENT + text[span.end :]
    return text


def trim_point(text: str, limit: int) -> str:
    """Cut a point to ``limit`` characters at the last sentence (else clause) boundary; always ends with 。."""
    text = text.strip()
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in sentences_of(text):
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    if not kept:
        head = text[: limit - 1]
        cut = max(head.rfind(m) for m in "，,；;、")
        kept = head[:cut] if cut >= limit // 3 else head
    kept = kept.rstrip("，,；;、：: ")
    if kept and kept[-1] not in "。！？":
        kept = kept[: limit - 1] + "。"
    return repair_brackets(kept)


def _value(point: str, catalogue: DraftingCatalogue) -> float:
    """How much a point carries (lowest-value points are dropped first)."""
    score = 1.0 + (1.0 if re.search(r"\d", point) else 0.0) + (1.0 if "《" in point else 0.0)
    score += 1.0 if catalogue.names_actor(point) else 0.0
    score += sum(0.5 for p in catalogue.concrete_patterns if p.search(point))
    return score + min(len(point), 200) / 400


def _fit(points: list[str], limit: int, max_points: int, name: str, notes: list[str]) -> list[str]:
    catalogue = load_catalogue()
    if len(points) > max_points:
        notes.append(f"{name}原有 {len(points)} 条，超过 {max_points} 条，第 {max_points} 条起已合并为一条。")
        points = [*points[: max_points - 1], "".join(points[max_points - 1 :])]
    per_point = max(60, limit // max(1, min(len(points), 4)))
    if section_length(points) > limit:
        long = [i for i, p in enumerate(points, 1) if len(p) > per_point]
        if long:
            points = [trim_point(p, per_point) for p in points]
            numbers_text = "、".join(map(str, long))
            notes.append(f"{name}第 {numbers_text} 条过长，已在句末截短（每条不超过 {per_point} 字）。")
    dropped: list[int] = []
    numbers = list(range(1, len(points) + 1))
    while section_length(points) > limit and len(points) > 1:
        worst = min(range(1, len(points)), key=lambda i: (_value(points[i], catalogue), -i))
        dropped.append(numbers.pop(worst))
        points = points[:worst] + points[worst + 1 :]
    if dropped:
        notes.append(f"{name}超过 {limit} 字，已删去信息量最少的第 " + "、".join(map(str, sorted(dropped))) + " 条。")
    if section_length(points) > limit:
        points = [trim_point(points[0], limit - 4)]
        notes.append(f"{name}仍超过 {limit} 字，已截短。")
    return points


def enforce(
    draft: DraftProposal, idea_text: str | None = None, topic_fn: TopicFn | None = None
) -> DraftProposal:
    """A copy of ``draft`` that satisfies every hard constraint; what was changed is added to ``notes``."""
    catalogue = load_catalogue()
    notes = list(draft.notes)
    known = _pii_values(draft)
    sections: dict[str, list[str]] = {}
    for field, name in (("analysis", "情况分析"), ("suggestions", "具体建议")):
        raw = getattr(draft, field)
        points = [re.sub(r"\s+", " ", strip_numbering(p)).strip() for p in raw]
        points = [p for p in dict.fromkeys(points) if re.search(r"\w", p)]
        if len(points) < len(raw):
            notes.append(f"{name}中删去了空白或重复的条目。")
        scrubbed = [_scrub(p, known) for p in points]
        repaired = [repair_brackets(p) for p in scrubbed]
        if repaired != scrubbed:
            notes.append(f"{name}中不成对的括号或引号已删去。")
            scrubbed = repaired
        if scrubbed != points:
            notes.append(f"{name}中出现的个人信息已隐去（个人信息只填在提出者栏）。")
        sections[field] = scrubbed
    if not sections["analysis"]:
        sections["analysis"] = [catalogue.template("empty_analysis")]
        notes.append("情况分析为空，已补一条占位说明，请补充具体情况。")
    if not sections["suggestions"]:
        sections["suggestions"] = [catalogue.template("empty_suggestion")]
        notes.append("具体建议为空，已补一条占位建议，请补充具体做法。")
    analysis = _fit(sections["analysis"], ANALYSIS_LIMIT, MAX_ANALYSIS_POINTS, "情况分析", notes)
    suggestions = _fit(sections["suggestions"], SUGGESTIONS_LIMIT, MAX_SUGGESTION_POINTS, "具体建议", notes)
    title = _fix_title(draft.title, analysis, suggestions, idea_text, topic_fn, known, notes)
    fixed = draft.model_copy(
        update={"title": title, "analysis": analysis, "suggestions": suggestions, "notes": list(dict.fromkeys(notes))}
    )
    remaining = validate(fixed, idea_text)
    fixed.violations = [v for v in remaining if v.hard]
    fixed.warnings = [v for v in remaining if not v.hard]
    if fixed.violations:  # defensive: never expected, the checks above cover every hard constraint
        raise AssertionError(f"enforce left violations: {[v.code for v in fixed.violations]}")
    return fixed


def _fix_title(
    title: str,
    analysis: list[str],
    suggestions: list[str],
    idea_text: str | None,
    topic_fn: TopicFn | None,
    known: list[str],
    notes: list[str],
) -> str:
    topic = title_topic(title)
    ok = (
        topic is not None
        and MIN_TOPIC <= len(topic) <= MAX_TOPIC + 5
        and not _TOPIC_PUNCT.search(topic)
        and not find_pii(title, known)
        and not (idea_text and len(topic) >= 12 and topic in idea_text and len(topic) > 0.6 * len(idea_text))
    )
    if ok:
        return title.strip()
    candidate = _clean_topic(topic or title)
    if not (MIN_TOPIC <= len(candidate) <= MAX_TOPIC) or find_pii(candidate, known):
        source = idea_text or "".join(analysis + suggestions)
        candidate = topic_fn(source) if topic_fn else ""
        candidate = _clean_topic(candidate)[:MAX_TOPIC]
    if len(candidate) < MIN_TOPIC or find_pii(candidate, known):
        candidate = load_catalogue().fallback_topic
    notes.append("标题不符合“关于××的‘百姓提案’”格式或议题不够简洁，已改写。")
    return make_title(candidate)


def _clean_topic(text: str) -> str:
    text = re.sub(r"^(关于|对于|有关)", "", text.strip())
    text = re.sub(r"(的)?(“百姓提案”|百姓提案|提案|建议|意见|问题)$", "", text)
    text = _TOPIC_PUNCT.sub("", text).strip()
    return text
