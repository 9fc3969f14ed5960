"""The channel advice for a stored idea: the model reads the idea, its screening and its latest draft; 深化培育 gets
what research the committee should do, 直通车 how to deepen it, 社情民意 the idea abstracted in the 《社情民意》 form.
Staff confirm or change the channel at the routing desk."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from assistant.accounts import UserSession, require_role
from assistant.cultivation.models import DraftProposal
from assistant.documents.models import mask_name
from assistant.errors import InputError
from assistant.scheme.advisor import SchemeAdvisor
from assistant.scheme.channels import draft_signal, split_sentences
from assistant.scheme.models import ChannelAdvice, SqmyDigest
from assistant.screening.models import ScreeningVerdict
from assistant.storage.decisions import CONSENT, DecisionStore
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.ideas import IdeaStore
from assistant.storage.queue import QueueStore
from assistant.storage.records import IdeaRecord

MAX_POINTS = 5
_TOPIC = re.compile(r"^关于(?P<topic>.+?)的[“\"]?百姓提案[”\"]?$")


def draft_of(ideas: IdeaStore, idea_id: int) -> DraftProposal | None:
    """The latest version of the latest draft credited to an idea, as a draft (None without one)."""
    drafts = ideas.drafts_for(idea_id)
    if not drafts:
        return None
    content = ideas.snapshot(drafts[-1]).version.content
    return DraftProposal(title=content.title, analysis=list(content.analysis), suggestions=list(content.suggestions))


def verdict_of(details: dict[str, Any] | None) -> ScreeningVerdict | None:
    """The stored screening verdict (None when absent or from an older format)."""
    if not details:
        return None
    try:
        return ScreeningVerdict.model_validate({k: v for k, v in details.items() if k != "routing"})
    except ValidationError:
        return None


def topic_of(idea: IdeaRecord, draft: DraftProposal | None) -> str:
    """The idea's topic: XX of a draft title 关于XX的“百姓提案”, else the idea's title, else its beginning."""
    if draft is not None:
        match = _TOPIC.match(draft.title.strip())
        if match:
            return match["topic"]
        if draft.title.strip():
            return draft.title.strip()
    return (idea.title or idea.raw_text[:30]).strip()


def shown_name(idea: IdeaRecord, consent: str | None) -> str:
    """The citizen's name as consented (masked by default; 市民 when anonymous or unknown)."""
    name = (idea.citizen.name or "").strip()
    if not name or consent == "anonymous":
        return "市民"
    return name if consent == "full" else mask_name(name)


def sqmy_digest(idea: IdeaRecord, draft: DraftProposal | None, consent: str | None, *, prefix: str = "群众反映",
                source: str = "来源：“百姓提案”线索{receipt}（{who}）") -> SqmyDigest:
    """The idea in the 《社情民意》 form, made only of the idea's and its draft's own sentences."""
    sentences = split_sentences(idea.raw_text)
    asks = [s for s in sentences if re.search(r"建议|希望|请(?!问)|恳请|要求|呼吁|应该|应当", s)]
    situation = list(draft.analysis[:MAX_POINTS]) if draft and draft.analysis else \
        [s for s in sentences if s not in asks][:MAX_POINTS]
    suggestions = list(draft.suggestions[:MAX_POINTS]) if draft and draft.suggestions else asks[:MAX_POINTS]
    note = None
    if not suggestions:
        note = "原文没有提出具体建议，摘编时只反映情况。"
    if not situation:
        situation = [idea.raw_text[:300]]
    return SqmyDigest(
        title=f"{prefix}：{topic_of(idea, draft)}", situation=situation, suggestions=suggestions,
        source=source.format(receipt=idea.receipt_no or "", who=shown_name(idea, consent)), note=note,
    )


RESEARCH_KEYS = {"where": "problem", "detail": "suggestion", "actor": "suggestion"}
"""The drafter's gap elements → the research topics of the scheme catalogue."""

class ChannelService:
    """Channel advice for stored ideas (staff only)."""

    def __init__(self, advisor: SchemeAdvisor, ideas: IdeaStore, queue: QueueStore, decisions: DecisionStore,
                 gaps: Callable[[str], list[str]]) -> None:
        self.advisor = advisor
        self.ideas = ideas
        self.queue = queue
        self.decisions = decisions
        self.gaps = gaps
        """What an idea still lacks (the drafter's gap analysis: where, affected, evidence, cause…)."""

    def advise(self, actor: UserSession | None, idea_id: int) -> ChannelAdvice:
        """The suggested channel of an idea (reading its latest draft), with research needs or the digest."""
        require_role(actor, Role.STAFF)
        entry, _ = self.queue.entry(idea_id)
        idea = entry.idea
        if idea.status is IdeaStatus.DRAFT:
            raise InputError("市民尚未提交的草稿不能判断处理通道。", f"idea {idea_id} is a draft")
        details = entry.screening.details if entry.screening else {}
        routing: dict[str, Any] = dict(details.get("routing") or {})
        verdict = verdict_of(details)
        draft = draft_of(self.ideas, idea.id)
        text = f"{idea.title}\n{idea.raw_text}" if idea.title and not idea.raw_text.startswith(idea.title) \
            else idea.raw_text
        signal = draft_signal(draft)
        choice, flag = self.advisor.advise(text, verdict=verdict, domain=idea.domain or routing.get("domain"),
                                           draft=signal)
        confirmed = entry.routing.confirmation if entry.routing and entry.routing.confirmed_at else {}
        advice = ChannelAdvice(
            idea_id=idea.id, receipt_no=idea.receipt_no or "", channel=choice.channel, channel_key=choice.key,
            reason=choice.reason, probabilities=choice.probabilities, applicable=choice.applicable,
            with_draft=draft is not None, draft_total=signal.total if signal else None,
            committee=confirmed.get("committee") or routing.get("committee"), linkage=flag.level,
            linkage_reason=flag.reason, confirmed_channel=confirmed.get("channel"),
        )
        cat = self.advisor.catalogue
        if choice.key in ("cultivate", "express"):
            body = "\n".join([text, *(draft.analysis if draft else []), *(draft.suggestions if draft else [])])
            needs = [cat.research[RESEARCH_KEYS.get(e, e)] for e in self.gaps(body)
                     if RESEARCH_KEYS.get(e, e) in cat.research]
            needs = list(dict.fromkeys(needs))
            advice.research = [*needs, cat.research["always"]] if "always" in cat.research else needs
        if choice.key == "express":
            advice.express_note = cat.channel("express").action
        if choice.key == "sqmy":
            consent = self.decisions.latest(idea.id, CONSENT)
            advice.sqmy = sqmy_digest(idea, draft, consent.value if consent else None,
                                      prefix=cat.sqmy.get("title_prefix", "群众反映"),
                                      source=cat.sqmy.get("source", "来源：“百姓提案”线索{receipt}（{who}）"))
        return advice

    def digest(self, actor: UserSession | None, idea_id: int) -> SqmyDigest:
        """The 《社情民意》 abstract of an idea, whatever channel it has."""
        require_role(actor, Role.STAFF)
        idea = self.ideas.idea(idea_id)
        consent = self.decisions.latest(idea.id, CONSENT)
        cat = self.advisor.catalogue
        return sqmy_digest(idea, draft_of(self.ideas, idea.id), consent.value if consent else None,
                           prefix=cat.sqmy.get("title_prefix", "群众反映"),
                           source=cat.sqmy.get("source", "来源：“百姓提案”线索{receipt}（{who}）"))
