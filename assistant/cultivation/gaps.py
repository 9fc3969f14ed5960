"""Gap analysis for THIS idea: what it lacks (where, scale, since when, cause, a concrete measure, who acts), the
questions to ask about it (at most three) and the （待补充：…） marks the draft carries until it is answered.

A city-wide idea (地铁末班车, 全市长者饭堂) is never asked for a 街道; a local one without a named place is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.claims import place_names
from assistant.cultivation.models import Question
from assistant.cultivation.segment import opens_with_people

_SCALE = re.compile(
    r"\d+\s*(?:多|余|来)?\s*(?:个)?(?:人|户|名|家|位|个|辆|所|间)|[一二三四五六七八九十百千万两几]+(?:多|余|来)?(?:个)?(?:人|户|名|家|位)"
    r"|一半|大部分|多数|百分之|%|成千上万|上百|上千|几十|几百"
)
_EVIDENCE = re.compile(
    r"去年|今年|前年|上个?月|上周|上个?星期|上个?礼拜|昨天|前几天|每天|每周|每晚|每年|天天|经常|多次|几次|好几次|一直|长期|"
    r"较长时间|好久|整个月|已经[^，。]{0,6}(?:年|月|天|周)|\d+\s*(?:次|天|个月|年|周|小时|分钟|点)|"
    r"[一二三四五六七八九十两几半]+(?:次|天|个月|年|周|小时|个钟)|例如|比如|曾经|有一次|差点|险些"
)
_CAUSE = re.compile(r"认为主要是|因为|由于|原因|缘故|缺乏|缺少|没人管|无人|不到位|不明确|不健全|不完善|滞后|职责|"
                    r"经费|资金|标准|"
                    r"推诿|不归")
_CONCRETE = re.compile(
    r"\d|[一二三四五六七八九十两]+(?:个|条|点|次|小时|分钟|天|周|月|年|成|倍|元|米|公里)|凌晨|早上|晚上|夜间|周末|节假日|"
    r"高峰|时段|每[天周月年个]|至少|不少于|以内|以上|全市|各区|每个|统一|公示|公开|补贴|标准|清单|试点"
)


@dataclass(frozen=True)
class IdeaProfile:
    """What the idea (with its answers) already says."""

    local: bool
    named_place: bool
    has_measure: bool
    concrete_measure: bool
    has_scale: bool
    has_evidence: bool
    has_cause: bool
    routed: bool
    object: str
    measure: str
    subject: str = ""  # the thing the idea is about (公交站, 长者饭堂), never people or a pronoun
    problem: str = ""  # the problem as a phrase (公交站没有上盖), '' when the idea states none cleanly
    group: str = ""  # the people it affects as the idea names them (老人, 上班族), else the facility's users
    place: str = ""  # the where item of a local idea (公交站的名称和位置), from the catalogue's where_places
    current: str = ""  # for a bare request: what the draft needs to know of today's state (公园现有直饮水机的数量)
    described: bool = True  # whether the idea describes a situation at all (not only a request)


def profile(
    text: str,
    measures: list[str],
    has_cause_sentence: bool,
    object_: str,
    routed: bool,
    catalogue: DraftingCatalogue | None = None,
    idea: str | None = None,
    **frame: Any,
) -> IdeaProfile:
    """The profile of an idea's normalised text (with answers) and its measures; whether the issue is local is
    decided on the ``idea`` alone (an answer describing one spot does not make a city-wide idea local)."""
    c = catalogue or load_catalogue()
    raw = c.raw
    base = idea if idea is not None else text
    citywide = len(re.findall(raw["citywide_marks"], base))
    local_marks = len(re.findall(raw["local_marks"], base))
    named = bool(place_names(text))
    return IdeaProfile(
        local=local_marks > 0 and (citywide == 0 or named or local_marks > citywide),
        named_place=named,
        has_measure=bool(measures),
        concrete_measure=any(_CONCRETE.search(m) for m in measures),
        has_scale=bool(_SCALE.search(text)),
        has_evidence=bool(_EVIDENCE.search(text)),
        has_cause=has_cause_sentence or bool(_CAUSE.search(text)),
        routed=routed,
        object=object_,
        measure=measures[0] if measures else "",
        **frame,
    )


def missing(p: IdeaProfile, answers: Mapping[str, str] | None = None) -> list[str]:
    """Missing elements, most important first; an answered element is not missing."""
    answered = {k for k, v in (answers or {}).items() if v and v.strip()}
    if "problem" in answered:
        answered |= {"where", "evidence"}
    need = {
        "suggestion": not p.has_measure,
        "where": p.local and not p.named_place,
        "detail": p.has_measure and not p.concrete_measure,
        "affected": not p.has_scale,
        "evidence": not p.has_evidence,
        "cause": not p.has_cause,
        "actor": not p.routed,
    }
    order = load_catalogue().raw["question_priority"]
    return [e for e in order if need.get(e) and e not in answered]


def questions_for(
    p: IdeaProfile,
    answers: Mapping[str, str] | None = None,
    asked: set[str] | None = None,
    catalogue: DraftingCatalogue | None = None,
) -> list[Question]:
    """At most ``max_questions`` questions about this idea's gaps; elements asked before (and skipped) go last."""
    c = catalogue or load_catalogue()
    texts = c.raw["questions"]
    gaps = missing(p, answers)
    asked = asked or set()
    ordered = [e for e in gaps if e not in asked] + [e for e in gaps if e in asked]
    out = []
    for element in ordered[: c.max_questions]:
        key = element if element != "affected" else ("affected_local" if p.local else "affected_city")
        text = texts[key].format(object=p.object or "这个问题", measure=_short(p.measure))
        out.append(Question(element=element, text=text))  # type: ignore[arg-type]
    return out


def gap_marks(p: IdeaProfile, answers: Mapping[str, str] | None = None) -> list[str]:
    """What the analysis still lacks, as the noun phrases of one （待补充：…） sentence, in reading order: where,
    today's state (a bare request), the cause, who is affected and how many, since when.

    Each item names THIS idea's subject, problem or people (公交站的具体位置; 公交站没有上盖的原因; 受影响的老人
    人数), so the mark reads as one sentence and never as the same list in every draft."""
    raw = load_catalogue().raw["gap_items"]
    need = set(missing(p, answers))
    group = p.group or "市民"
    unit = "户数" if re.search(r"(?:家庭|户|商户)$", group) else "人数"
    items: list[str] = []
    if "where" in need:
        items.append(p.place or raw["where_bare"])
    if not p.described:
        if p.current:
            items.append(p.current)
        if "affected" in need:
            items.append(raw["beneficiaries"].format(group=group, unit=unit))
        return items
    problem = p.problem
    if items and p.subject and p.subject in items[0] and problem.startswith(p.subject) \
            and len(problem) - len(p.subject) >= 3:
        problem = problem[len(p.subject):]  # 公交站的具体位置、没有上盖的原因 (the subject named once)
    if "cause" in need:
        items.append(raw["cause"].format(problem=problem) if problem else
                     raw["cause_subject"].format(subject=p.subject) if p.subject else raw["cause_bare"])
    if "affected" in need:
        if problem and "cause" not in need and not opens_with_people(problem):
            items.append(raw["affected_problem"].format(problem=problem, group=group, unit=unit))
        else:
            items.append(raw["affected"].format(group=group, unit=unit))
    if "evidence" in need:
        items.append(raw["evidence"] if len(items) else
                     raw["evidence_problem"].format(problem=problem) if problem else raw["evidence"])
    return items


def gap_sentence(items: list[str]) -> str:
    """The items of a （待补充：…） mark as one phrase: A, A及B, A、B及C."""
    if len(items) <= 2:
        return "及".join(items)
    return "、".join(items[:-1]) + "及" + items[-1]


def _short(text: str, limit: int = 24) -> str:
    text = text.split("，")[0]
    return text if len(text) <= limit else text[: limit - 2] + "……"
