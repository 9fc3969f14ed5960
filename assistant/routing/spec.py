"""Routing as a part of the one-call review: the offline decision, candidate units, the model's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.routing.catalogue import DOMAINS, Catalogue
from assistant.routing.engine import OfflineRouter
from assistant.routing.models import LLMRouting, LLMUnitChoice, RoutingDecision, UnitSuggestion

if TYPE_CHECKING:
    from assistant.screening.models import ScreeningVerdict

CANDIDATES = 8
"""Units offered to the model: the offline top units first, then the next best."""


class RoutingPart:
    """Everything the review spec needs to route one text; the catalogue can be swapped after staff edits."""

    def __init__(self, router: OfflineRouter) -> None:
        self.router = router

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue in use."""
        return self.router.catalogue

    def use_catalogue(self, catalogue: Catalogue) -> None:
        """Route with an edited catalogue from now on (item votes are relabelled, nothing is re-fitted)."""
        self.router = self.router.with_catalogue(catalogue)

    def offline(self, text: str, verdict: ScreeningVerdict | None = None) -> RoutingDecision:
        """The offline router's decision (``verdict``: the screening of the same text, for the channel)."""
        return self.router.route(text, verdict)

    def candidates(self, text: str, decision: RoutingDecision) -> list[str]:
        """Official names of the units offered to the model."""
        router = self.router
        domain = router.domain_model.predict(text)
        scores = router.unit_scores(text, domain).total(router.config)
        ranked = [router.catalogue.units[int(i)].name for i in scores.argsort()[::-1]]
        chosen = [u.name for u in decision.units]
        return (chosen + [n for n in ranked if n not in set(chosen)])[:CANDIDATES]

    def variables(self, text: str, decision: RoutingDecision) -> dict[str, str]:
        """Prompt variables: candidate units with their functions, domains, committees, channels."""
        cat = self.catalogue
        units = [cat.unit(n) for n in self.candidates(text, decision)]
        return {
            "units": "\n".join(u.prompt_line() for u in units if u is not None),
            "domains": "、".join(DOMAINS),
            "committees": "\n".join(f"{c.name}：{c.areas}" for c in cat.committees),
            "routing_channels": "\n".join(f"{c.name}：{c.what}" for c in cat.channels),
        }

    def catalogues(self, text: str, decision: RoutingDecision) -> dict[str, list[str]]:
        """Allowed values in a model answer."""
        cat = self.catalogue
        return {
            "units.unit": self.candidates(text, decision),
            "domain": list(DOMAINS),
            "committee": [c.name for c in cat.committees],
            "channel": [c.name for c in cat.channels],
        }

    @staticmethod
    def offline_answer(decision: RoutingDecision) -> LLMRouting:
        """An offline decision in the model's answer schema."""
        return LLMRouting(
            domain=decision.domain,
            units=[LLMUnitChoice(unit=u.name, role=u.role, reason=u.reason[:300]) for u in decision.units],
            committee=decision.committee, channel=decision.channel, channel_reason=decision.channel_reason[:300],
            abstain=decision.abstain, confidence=decision.units[0].score if decision.units else 0.0,
        )

    def accept(self, answer: LLMRouting, offline: RoutingDecision) -> RoutingDecision:
        """The decision of a model answer; past-item support is kept from the offline decision per unit."""
        offline_units = {u.name: u for u in offline.units}
        units: list[UnitSuggestion] = []
        for rank, choice in enumerate(dict((c.unit, c) for c in answer.units).values()):
            prior = offline_units.get(choice.unit)
            units.append(UnitSuggestion(
                name=choice.unit, role="主办" if rank == 0 else "协办",
                score=round(answer.confidence * (1.0 if rank == 0 else 0.8), 3),
                reason=choice.reason, similar_items=prior.similar_items if prior else [],
            ))
        committee = next(c for c in self.catalogue.committees if c.name == answer.committee)
        committee_reason = (offline.committee_reason if committee.name == offline.committee
                            else self.catalogue.templates["committee_reason"].format(areas=committee.areas))
        return RoutingDecision(
            domain=answer.domain, domain_confidence=answer.confidence, level2=None, units=units,
            committee=committee.name, committee_reason=committee_reason, channel=answer.channel,
            channel_reason=answer.channel_reason, abstain=answer.abstain,
            abstain_reason=offline.abstain_reason if answer.abstain else None,
            linkage=offline.linkage, linkage_reason=offline.linkage_reason,
        )

    @staticmethod
    def summary(decision: RoutingDecision) -> dict[str, Any]:
        """What the audit log keeps of a decision."""
        return decision.audit_summary()

    @staticmethod
    def agrees(shown: RoutingDecision, offline: RoutingDecision) -> bool:
        """Same main unit."""
        return bool(shown.units and offline.units and shown.units[0].name == offline.units[0].name)
