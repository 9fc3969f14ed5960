"""The offline drafter: idea (+ answers) + similar items + policy articles → a compliant 附件1 draft."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.enrich import HitLike, clean_title, excerpt, relevant, reply_summary
from assistant.cultivation.gaps import questions_for
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, Source
from assistant.cultivation.register import RegisterNormaliser
from assistant.cultivation.segment import sort_sentences, split_sentences
from assistant.cultivation.topic import TopicExtractor, make_title, shares_bigram
from assistant.cultivation.validator import enforce, trim_point

_LEADING_CUE = re.compile(
    r"^(?:我们|本人|我)?(?:强烈)?(?:建议|希望|恳请|呼吁|请求|要求|提议|可否|是否能|能不能|能否|可不可以|最好|期望|盼望)"
    r"(?:政府|有关部门|相关部门)?[，,：:]?"
)
_SUBJECT = re.compile(r"^(?:政府|有关部门|相关部门|市里|区里|上面)")
_END = re.compile(r"[？?！!，,；;、]+$")
ANSWER_CLASS = {"suggestion": "suggestion", "cause": "cause", "affected": "situation", "evidence": "situation",
                "problem": "situation", "policy": "situation"}


class UnitSuggester(Protocol):
    """Optional collaborator (e.g. ``assistant.routing``): handling units for a text, best first."""

    def suggest_units(self, text: str) -> Sequence[str]: ...


def _sentence(text: str) -> str:
    text = _END.sub("", text.strip())
    return text + "。" if text and text[-1] not in "。" else text


class OfflineDrafter:
    """Deterministic drafting with the phrase table, cue lexicons, topic extraction and retrieved material."""

    def __init__(
        self,
        normaliser: RegisterNormaliser | None = None,
        topics: TopicExtractor | None = None,
        units: UnitSuggester | None = None,
        catalogue: DraftingCatalogue | None = None,
    ) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.normaliser = normaliser or RegisterNormaliser()
        self.topics = topics or TopicExtractor(catalogue=self.catalogue)
        self.units = units

    def actor(self, text: str) -> str:
        """Who should act: the routing collaborator's first unit, else the catalogue's keyword match."""
        if self.units is not None:
            try:
                found = list(self.units.suggest_units(text))
            except Exception:  # routing is optional help, never a reason to fail a draft
                found = []
            if found:
                return found[0]
        return self.catalogue.actor_for(text)

    def draft(
        self,
        idea: str,
        answers: Mapping[str, str] | None = None,
        items: Sequence[HitLike] = (),
        policies: Sequence[HitLike] = (),
        proposer: Proposer | None = None,
        attribution: Attribution | None = None,
        asked: set[str] | None = None,
    ) -> DraftProposal:
        """A draft that satisfies every hard constraint, with sources and up to three questions."""
        answers = {k: v for k, v in (answers or {}).items() if v and v.strip()}
        t = self.catalogue.template
        text = self.normaliser.normalise(idea)
        groups = sort_sentences(text, self.catalogue)
        for element, answer in answers.items():
            cls = ANSWER_CLASS.get(element, "situation")
            for sentence in split_sentences(self.normaliser.normalise(answer)):
                groups[cls].append(sentence)  # type: ignore[index]
        full = "".join(s for g in groups.values() for s in g)
        topic = self.topics.topic(full, [self.request(s) for s in groups["suggestion"]])
        keywords = self.topics.keywords(full)
        actor = self.actor(full)
        sources: list[Source] = []

        analysis: list[str] = []
        situation = groups["situation"] or groups["impact"][:1] or split_sentences(text)[:1]
        if situation:
            analysis.append(trim_point(t("situation_lead") + "".join(_sentence(s) for s in situation), 180))
        impacts = [s for s in groups["impact"] if s not in situation]
        if impacts:
            analysis.append(trim_point(t("impact_lead") + "".join(_sentence(s) for s in impacts), 120))
        if groups["cause"]:
            analysis.append(trim_point(t("cause_lead") + "".join(_sentence(s) for s in groups["cause"]), 120))

        past = relevant([h for h in items if h.kind in ("item", "proposal")], keywords, k=2)
        answered = [(h, reply_summary(h.reply)) for h in past]
        if past:
            examples = "、".join(f"《{clean_title(h.title)}》" for h in past)
            done = next((s for _, s in answered if s), None)
            handled = t("past_handled", reply=done) if done else t("past_unhandled")
            analysis.append(trim_point(t("past_items", examples=examples, handled=handled), 150))
            for hit, summary in answered:
                sources.append(Source(kind=hit.kind, doc_id=hit.doc_id, citation=hit.citation,  # type: ignore[arg-type]
                                      used_for=f"情况分析第{len(analysis)}条", reply_summary=summary))
        laws = relevant([h for h in policies if h.kind == "policy"], keywords, k=1, min_terms=3)
        if laws:
            law = laws[0]
            analysis.append(trim_point(t("policy_basis", citation=law.citation, excerpt=excerpt(law.snippet)), 130))
            sources.append(Source(kind="policy", doc_id=law.doc_id, citation=law.citation,
                                  used_for=f"情况分析第{len(analysis)}条"))

        suggestions = [x for x in (self.suggestion(s, actor, topic) for s in groups["suggestion"]) if x]
        if not suggestions:
            suggestions.append(t("suggestion_generic", actor=actor, topic=topic))
        suggestions += self.remedies(full, suggestions, actor, topic)
        reply = next(((h, s) for h, s in answered if s), None)
        if reply:
            suggestions.append(t("suggestion_from_reply", actor=actor, reply=reply[1]))
            sources.append(Source(kind=reply[0].kind, doc_id=reply[0].doc_id,  # type: ignore[arg-type]
                                  citation=reply[0].citation, used_for=f"具体建议第{len(suggestions)}条",
                                  reply_summary=reply[1]))
        if laws:
            suggestions.append(t("suggestion_from_policy", actor=actor, citation=laws[0].citation, topic=topic))
            sources.append(Source(kind="policy", doc_id=laws[0].doc_id, citation=laws[0].citation,
                                  used_for=f"具体建议第{len(suggestions)}条"))
        if len(suggestions) < 3:
            suggestions.append(t("suggestion_feedback", actor=actor, topic=topic))

        proposer = proposer or (attribution.citizen if attribution else Proposer())
        draft = DraftProposal(
            title=make_title(topic),
            analysis=analysis,
            suggestions=suggestions,
            proposer=proposer,
            remarks=self.remarks(attribution),
            sources=sources,
            attribution=attribution,
        )
        draft = enforce(draft, idea, topic_fn=lambda s: self.topics.topic(self.normaliser.normalise(s)))
        draft.questions = questions_for(idea + "".join(answers.values()), answers, self.catalogue, asked)
        return draft

    def request(self, sentence: str) -> str:
        """The verb phrase of a citizen's request: cue (建议/希望…), subject (政府…) and fillers removed from
        every clause, 把-constructions turned round (把水管更换 → 更换水管)."""
        clauses = [self._clause(c) for c in re.split(r"[，,]", _END.sub("", sentence.strip()))]
        return "，".join(c for c in clauses if c)

    def _clause(self, clause: str) -> str:
        c = self.catalogue
        body, previous = clause.strip(), None
        while body != previous:
            previous = body
            for pattern in (_LEADING_CUE, _SUBJECT, c.request_lead, c.request_trail):
                body = _END.sub("", pattern.sub("", body, count=1).strip())
        found = c.request_disposal.match(body)
        return found["verb"] + found["obj"] if found else body

    def suggestion(self, sentence: str, actor: str, topic: str) -> str | None:
        """A formal, actionable suggestion naming who acts from a citizen's request sentence (None if empty)."""
        body = self.request(sentence)
        if len(body) < 4:
            return None
        if self.catalogue.names_actor(body):
            return _sentence(body if body.startswith("建议") else "建议" + body)
        prefix = self.catalogue.template("suggestion_prefix", actor=actor)
        first, _, rest = body.partition("，")
        for frame in self.catalogue.request_frames:
            found = frame.pattern.match(first)
            if found:
                obj = self._clause(found.groupdict().get("obj") or "")
                obj = topic if len(obj) < 2 or shares_bigram(obj, topic) else obj
                made = frame.template.format(actor=actor, obj=obj)
                # further clauses that ask for something become a suggestion too; descriptions are left out
                asks = [x for x in rest.split("，") if len(x) >= 4 and x.startswith(self.catalogue.topic_verbs)]
                return made + (_sentence(prefix + "，".join(asks)) if asks else "")
        return _sentence(prefix + body)

    def remedies(self, text: str, suggestions: list[str], actor: str, topic: str) -> list[str]:
        """Suggestions for complaints with a known remedy (审批手续繁琐 → 简化审批) not already suggested."""
        out: list[str] = []
        for frame in self.catalogue.remedies:
            if not frame.pattern.search(text):
                continue
            if not frame.key or not any(frame.key in s for s in suggestions + out):
                out.append(frame.template.format(actor=actor, topic=topic))
        return out

    def remarks(self, attribution: Attribution | None) -> str:
        """备注: the citizen behind the idea (群众署名) and who submits on their behalf."""
        if attribution is None:
            return ""
        t = self.catalogue.template
        name = attribution.citizen.name or "匿名"
        receipt = f"，受理编号 {attribution.receipt_no}" if attribution.receipt_no else ""
        text = t("remarks_citizen", name=name, receipt=receipt)
        if attribution.member:
            text += t("remarks_member", member=attribution.member)
        return text
