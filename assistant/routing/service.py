"""Routing service: the offline decision always, the LLM decision when a model is configured, both audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from assistant.audit import send_to_sink
from assistant.llm.runner import FALLBACK, OFFLINE, LLMResult
from assistant.routing.catalogue import DOMAINS, Catalogue
from assistant.routing.engine import OfflineRouter
from assistant.routing.models import LLMRouting, LLMUnitChoice, RoutingDecision, RoutingOutcome, UnitSuggestion
from assistant.textinput import clean_text, require_substance

TASK = "routing"
CANDIDATES = 8
AuditSink = Callable[[str, dict[str, Any]], None]


class StructuredRunner(Protocol):
    """The part of :class:`assistant.llm.LLMRunner` the service uses."""

    @property
    def mode(self) -> str: ...

    def run_structured(self, task: str, schema: Any, **kwargs: Any) -> LLMResult[Any]: ...


class RoutingService:
    """Suggests domain, handling units, committee and channel for staff; abstains when unsure."""

    def __init__(
        self,
        offline: OfflineRouter,
        runner: StructuredRunner | None = None,
        recorder: AuditSink | None = None,
        max_chars: int = 20000,
    ) -> None:
        self.offline = offline
        self.runner = runner
        self.recorder = recorder
        self.max_chars = max_chars

    def use_catalogue(self, catalogue: Catalogue) -> None:
        """Route with an edited catalogue from now on."""
        self.offline = self.offline.with_catalogue(catalogue)

    @property
    def llm_enabled(self) -> bool:
        """True when a model backend (not the offline engine) is configured."""
        return self.runner is not None and self.runner.mode != OFFLINE

    def route(self, text: str, *, offline_only: bool = False, audit: bool = True,
              entity_id: str | None = None) -> RoutingOutcome:
        """Route one idea; raises :class:`InputError` for empty, binary, too short or over-long input."""
        text = require_substance(clean_text(text, self.max_chars, "要分办的内容"))
        offline_decision = self.offline.route(text)
        if offline_only or not self.llm_enabled:
            outcome = RoutingOutcome(decision=offline_decision, offline_decision=offline_decision)
        else:
            outcome = self._with_llm(text, offline_decision)
        if audit:
            self._audit(text, outcome, entity_id)
        return outcome

    # LLM path ---------------------------------------------------------------------------------------
    def candidates(self, text: str, decision: RoutingDecision) -> list[str]:
        """Official names of the units offered to the model: the offline top units first, then the next best."""
        domain = self.offline.domain_model.predict(text)
        scores = self.offline.unit_scores(text, domain).total(self.offline.config)
        ranked = [self.offline.catalogue.units[int(i)].name for i in scores.argsort()[::-1]]
        names = [u.name for u in decision.units] + [n for n in ranked if n not in {u.name for u in decision.units}]
        return names[:CANDIDATES]

    def _with_llm(self, text: str, offline_decision: RoutingDecision) -> RoutingOutcome:
        assert self.runner is not None
        variables, catalogues = self.llm_request(text, offline_decision)
        result = self.runner.run_structured(
            TASK,
            LLMRouting,
            offline=lambda: _as_llm_answer(offline_decision),
            variables=variables,
            untrusted={"text": text},
            catalogues=catalogues,
        )
        return self.outcome_from(result, result.value, offline_decision)

    def llm_request(
        self, text: str, offline_decision: RoutingDecision
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Prompt variables (candidate units, domains, committees, channels) and catalogue constraints."""
        cat = self.offline.catalogue
        names = self.candidates(text, offline_decision)
        variables = {
            "units": "\n".join(cat.unit(n).prompt_line() for n in names if cat.unit(n)),  # type: ignore[union-attr]
            "domains": "、".join(DOMAINS),
            "committees": "\n".join(f"{c.name}：{c.areas}" for c in cat.committees),
            "channels": "\n".join(f"{c.name}：{c.what}" for c in cat.channels),
        }
        catalogues = {
            "units.unit": names,
            "domain": list(DOMAINS),
            "committee": [c.name for c in cat.committees],
            "channel": [c.name for c in cat.channels],
        }
        return variables, catalogues

    def offline_answer(self, decision: RoutingDecision) -> LLMRouting:
        """An offline decision in the model's answer schema."""
        return _as_llm_answer(decision)

    def outcome_from(
        self, result: LLMResult[Any], answer: LLMRouting | None, offline_decision: RoutingDecision
    ) -> RoutingOutcome:
        """The outcome of a model call (or its fallback), with the offline decision kept beside it."""
        meta = {"backend": result.backend, "model": result.model, "prompt_version": result.prompt_version}
        if answer is None or result.is_fallback or result.backend in (OFFLINE, FALLBACK):
            fallback = result.fallback.message if result.fallback else None
            decision = offline_decision.model_copy(update={**meta, "fallback": fallback})
        else:
            decision = self._from_llm(answer, offline_decision, meta)
        return RoutingOutcome(decision=decision, offline_decision=offline_decision, llm_audit=result.audit())

    def record(self, text: str, outcome: RoutingOutcome, entity_id: str | None = None) -> None:
        """Write the audit record of one routing."""
        self._audit(text, outcome, entity_id)

    def _from_llm(self, answer: LLMRouting, offline: RoutingDecision, meta: dict[str, Any]) -> RoutingDecision:
        offline_scores = {u.name: u for u in offline.units}
        units: list[UnitSuggestion] = []
        for rank, choice in enumerate(dict((c.unit, c) for c in answer.units).values()):
            prior = offline_scores.get(choice.unit)
            units.append(UnitSuggestion(
                name=choice.unit, role="主办" if rank == 0 else "协办",
                score=round(answer.confidence * (1.0 if rank == 0 else 0.8), 3),
                reason=choice.reason, similar_items=prior.similar_items if prior else [],
            ))
        committee = next(c for c in self.offline.catalogue.committees if c.name == answer.committee)
        return RoutingDecision(
            domain=answer.domain, domain_confidence=answer.confidence, level2=None, units=units,
            committee=committee.name, committee_reason=offline.committee_reason if committee.name == offline.committee
            else self.offline.catalogue.templates["committee_reason"].format(areas=committee.areas),
            channel=answer.channel, channel_reason=answer.channel_reason, abstain=answer.abstain,
            abstain_reason=offline.abstain_reason if answer.abstain else None, **meta,
        )

    # audit ------------------------------------------------------------------------------------------
    def _audit(self, text: str, outcome: RoutingOutcome, entity_id: str | None) -> None:
        send_to_sink(self.recorder, text, TASK, entity_id, outcome.llm_audit,
                     ("decision", outcome.decision.audit_summary()),
                     ("offline_decision", outcome.offline_decision.audit_summary()), outcome.agrees)


def audit_log_sink(audit_log: Any) -> AuditSink:
    """Adapter to :class:`assistant.audit.AuditLog`: one ``route`` suggestion per text (text kept as a digest)."""
    from assistant.audit import suggestion_sink

    return suggestion_sink(audit_log, "routing", "route", "decision", "offline_decision")


def _as_llm_answer(decision: RoutingDecision) -> LLMRouting:
    """The offline decision in the LLM schema (what the runner returns when it falls back)."""
    return LLMRouting(
        domain=decision.domain,
        units=[LLMUnitChoice(unit=u.name, role="主办" if u.role == "主办" else "协办", reason=u.reason[:300])
               for u in decision.units],
        committee=decision.committee,
        channel=decision.channel,
        channel_reason=decision.channel_reason[:300],
        abstain=decision.abstain,
        confidence=decision.units[0].score if decision.units else 0.0,
    )
