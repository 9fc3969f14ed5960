"""《百姓提案》 (四(四)2): one issue for a period — 群众反映集中的问题 (hot topics with a chart), 百姓“金点子”汇总
(selected ideas, named as the citizen consented: masked by default) and “百姓提案”工作动态 (counts by 征集渠道,
办理状态, 对口专委会 and 所在区, and the channels, grades and handling of the period). Every number is counted from
the database; nothing else is written into the issue but the ideas' own words."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.accounts import UserSession, require_role
from assistant.clock import CHINA_TZ
from assistant.documents.models import (
    Contributor,
    CountRow,
    HotTopic,
    IdeaEntry,
    PeriodicalIssue,
    WorkStats,
    parse_input,
)
from assistant.errors import InputError
from assistant.scheme.catalogue import SchemeCatalogue
from assistant.scheme.districts import district_of
from assistant.scheme.grading import GRADE_ZH
from assistant.scheme.linkage import LINKAGE_ZH
from assistant.scheme.models import DigestCounts, DigestResult
from assistant.scheme.periods import range_bounds
from assistant.security.files import private_file
from assistant.staff.hot import Analysed
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.lifecycle import STATUS_SHORT_ZH
from assistant.storage.scheme_facts import IdeaFacts, SchemeFactsStore

TOPICS = 8
KEYWORDS = 5
IDEAS = 10
SUMMARY_CHARS = 150
SOURCE_ZH = {"web": "网上征集", "import": "线下征集（批量导入）", "cli": "命令行录入"}
NOT_IN_SCOPE = "不属于百姓提案范围"
UNROUTED = "尚未分办"
PROGRESS = {IdeaStatus.CLOSED: 0, IdeaStatus.REPLIED: 0, IdeaStatus.HANDLING: 1, IdeaStatus.PROPOSAL: 1,
            IdeaStatus.IN_CULTIVATION: 2, IdeaStatus.ROUTED: 3, IdeaStatus.SCREENED: 4, IdeaStatus.SUBMITTED: 4}
CHANNEL_ORDER = {"重要协商成果“直通车”": 0, "深化培育": 1, "摘编社情民意信息": 2}
Analyse = Callable[[UserSession], list[Analysed]]
"""The hot-topics analysis of the submitted ideas (``HotTopics.analysed(actor, "ideas")``)."""


def source_label(f: IdeaFacts) -> str:
    """征集渠道 of an idea: the channel recorded with it, else how it came in."""
    channel = (f.idea.channel or "").strip()
    if channel and channel.lower() != "import":
        return channel
    return SOURCE_ZH.get(f.idea.source.value, f.idea.source.value)


def committee_label(f: IdeaFacts) -> str:
    """对口专委会 of an idea, or why it has none."""
    if f.in_scope is False:
        return NOT_IN_SCOPE
    return f.committee or UNROUTED


def _rows(counter: Counter[str]) -> list[CountRow]:
    return [CountRow(label=label[:60], count=count) for label, count in sorted(counter.items(),
                                                                              key=lambda kv: (-kv[1], kv[0]))]


def strip_greetings(text: str, greetings: Sequence[re.Pattern[str]]) -> str:
    """The text without the salutation and greeting it starts with (胡书记，您好！……)."""
    body = text.strip()
    for _ in range(3):
        before = body
        for pattern in greetings:
            body = pattern.sub("", body, count=1).lstrip()
        if body == before:
            break
    return body or text.strip()


def _place(term: str) -> bool:
    return "省" in term or term.endswith(("市", "区", "县"))


def _summary(text: str) -> str:
    body = re.sub(r"\s+", "", text)
    if len(body) <= SUMMARY_CHARS:
        return body
    cut = body[:SUMMARY_CHARS]
    end = max(cut.rfind(p) for p in "。！？；")
    return (cut[: end + 1] if end >= 40 else cut) + "……"


class DigestService:
    """Builds an issue of 《百姓提案》 for a period (staff only)."""

    def __init__(self, facts: SchemeFactsStore, analyse: Analyse, catalogue: SchemeCatalogue,
                 result_zh: Callable[[str], str]) -> None:
        self.facts = facts
        self.analyse = analyse
        self.catalogue = catalogue
        self.result_zh = result_zh

    def counts(self, facts: Sequence[IdeaFacts], topics: dict[str, int]) -> DigestCounts:
        """The counts an issue prints, from the facts of its ideas."""
        in_scope = [f for f in facts if f.in_scope]
        return DigestCounts(
            total=len(facts), in_scope=len(in_scope), out_of_scope=sum(1 for f in facts if f.in_scope is False),
            unscreened=sum(1 for f in facts if f.in_scope is None),
            by_source=dict(Counter(source_label(f) for f in facts)),
            by_status=dict(Counter(STATUS_SHORT_ZH[f.idea.status] for f in facts)),
            by_committee=dict(Counter(committee_label(f) for f in facts)),
            by_district=dict(Counter(district_of(f.idea) for f in facts)),
            by_channel=dict(Counter(f.channel for f in in_scope if f.channel)),
            by_grade=dict(Counter(GRADE_ZH.get(f.grade, f.grade) for f in facts if f.grade)),
            topics=topics,
        )

    def _topics(self, actor: UserSession, facts: Sequence[IdeaFacts]) -> tuple[list[HotTopic], dict[str, int]]:
        ids = {f.idea.id for f in facts}
        analysed = [a for a in self.analyse(actor) if a.record.idea_id in ids]
        per_domain: dict[str, list[Analysed]] = {}
        for a in analysed:
            per_domain.setdefault(a.domain, []).append(a)
        ranked = sorted(per_domain.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOPICS]
        topics = []
        for domain, items in ranked:
            excluded = self.catalogue.keywords_exclude
            counted = Counter(t for a in items for t in a.terms if t not in excluded and not _place(t))
            words = counted.most_common(KEYWORDS)
            common = [(w, n) for w, n in words if n >= 2]
            summary = ("涉及较多的词语：" + "、".join(f"{w}（{n}件）" for w, n in common)) if common else ""
            topics.append(HotTopic(topic=domain[:40], count=len(items), summary=summary[:400]))
        return topics, {domain: len(items) for domain, items in per_domain.items()}

    def _status_text(self, f: IdeaFacts) -> str:
        s = f.idea.status
        if f.reply is not None and s in (IdeaStatus.REPLIED, IdeaStatus.CLOSED):
            text = f"{f.reply.unit}已答复（{self.result_zh(f.reply.result)}）"
            return text + ("，已办结" if s is IdeaStatus.CLOSED else "")
        if s is IdeaStatus.HANDLING and f.main_unit:
            return f"已交{f.main_unit}办理"
        if s is IdeaStatus.ROUTED and f.main_unit:
            return f"已分办，主办单位：{f.main_unit}"
        if s is IdeaStatus.IN_CULTIVATION:
            return "政协委员培育中"
        return STATUS_SHORT_ZH[s]

    def _ideas(self, facts: Sequence[IdeaFacts], limit: int) -> list[IdeaEntry]:
        pool = [f for f in facts if f.in_scope and f.grade not in ("refer", "merge")]
        pool.sort(key=lambda f: (PROGRESS.get(f.idea.status, 5), CHANNEL_ORDER.get(f.channel or "", 3),
                                 f.idea.submitted_at or f.idea.created_at, f.idea.id))
        entries = []
        for f in pool[:limit]:
            consent = f.consent if f.consent in ("full", "masked", "anonymous") else "masked"
            entries.append(IdeaEntry(
                title=f.idea.display_title[:120],
                summary=_summary(strip_greetings(f.idea.raw_text, self.catalogue.greetings)),
                contributor=Contributor(name=f.idea.citizen.name or "", consent=consent,  # type: ignore[arg-type]
                                        district=(d if (d := district_of(f.idea)) != "未注明" else "")),
                status=self._status_text(f)[:120],
            ))
        return entries

    def _highlights(self, counts: DigestCounts, facts: Sequence[IdeaFacts]) -> list[str]:
        lines = [f"本期共收到群众“金点子”{counts.total}件，经范围审查属于“百姓提案”{counts.in_scope}件、"
                 f"不属于的{counts.out_of_scope}件" + (f"、尚未审查{counts.unscreened}件" if counts.unscreened else "")]
        if counts.by_channel:
            lines.append("属于“百姓提案”的按处理通道分：" + "、".join(
                f"{name}{counts.by_channel.get(name, 0)}件" for name in CHANNEL_ORDER if name in counts.by_channel))
        if counts.by_grade:
            lines.append("线索分级：" + "、".join(f"{k}{v}件" for k, v in sorted(counts.by_grade.items(),
                                                                            key=lambda kv: -kv[1])))
        linkage = Counter(f.linkage for f in facts if f.in_scope and f.linkage)
        if linkage:
            lines.append("需上下联动的：" + "、".join(f"{LINKAGE_ZH[k]}{linkage[k]}件" for k in LINKAGE_ZH
                                                       if k in linkage))
        handled = sum(1 for f in facts if IdeaStatus.HANDLING in f.reached)
        replied = sum(1 for f in facts if f.reply is not None)
        if handled or replied:
            lines.append(f"已交承办单位办理{handled}件，其中已答复{replied}件")
        rated = Counter(f.feedback for f in facts if f.feedback)
        if rated:
            lines.append("市民对办理结果的评价：" + "、".join(f"{k}{rated[k]}件" for k in ("满意", "基本满意", "不满意")
                                                          if k in rated))
        return lines

    def build(self, actor: UserSession | None, start: dt.date, end: dt.date, *, issue_no: int = 1,
              ideas: int = IDEAS, editor_note: str = "", highlights: Sequence[str] = ()) -> tuple[PeriodicalIssue,
                                                                                                   DigestCounts]:
        """The issue for ``[start, end]`` (Beijing dates) and the counts it prints."""
        staff = require_role(actor, Role.STAFF)
        lower, upper = range_bounds(start, end)
        if issue_no < 1:
            raise InputError("期号应为正整数。", f"issue {issue_no}")
        facts = self.facts.facts(start=lower, end=upper)
        topics, topic_counts = self._topics(staff, facts) if facts else ([], {})
        counts = self.counts(facts, topic_counts)
        work = WorkStats(
            by_channel=_rows(Counter(counts.by_source)), by_status=_rows(Counter(counts.by_status)),
            by_committee=_rows(Counter(counts.by_committee)), by_district=_rows(Counter(counts.by_district)),
            highlights=[*[h for h in highlights if h.strip()], *self._highlights(counts, facts)],
        )
        issue = parse_input(PeriodicalIssue, {
            "issue_no": issue_no, "period_start": start, "period_end": end,
            "issue_date": dt.datetime.now(CHINA_TZ).date(), "total_ideas": counts.total,
            "hot_topics": [t.model_dump() for t in topics],
            "ideas": [e.model_dump() for e in self._ideas(facts, ideas)],
            "work": work.model_dump(), "editor_note": editor_note[:600],
        })
        return issue, counts

    def write(self, actor: UserSession | None, start: dt.date, end: dt.date, out: Path, *, issue_no: int = 1,
              pdf: bool = True, ideas: int = IDEAS, editor_note: str = "") -> DigestResult:
        """Write the issue as ``out`` (.docx) and, with ``pdf``, its PDF twin next to it."""
        from assistant.documents import periodical_docx, periodical_pdf

        if out.suffix.lower() != ".docx":
            raise InputError("输出文件应以 .docx 结尾（PDF 会写在同一目录）。", f"out {out}")
        issue, counts = self.build(actor, start, end, issue_no=issue_no, ideas=ideas, editor_note=editor_note)
        private_file(out).write_bytes(periodical_docx(issue))
        pdf_path = None
        if pdf:
            pdf_path = out.with_suffix(".pdf")
            private_file(pdf_path).write_bytes(periodical_pdf(issue))
        return DigestResult(issue_no=issue_no, period_start=start, period_end=end, docx_path=str(out),
                            pdf_path=str(pdf_path) if pdf_path else None, counts=counts, ideas_listed=len(issue.ideas))
