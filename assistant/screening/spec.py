"""Screening as a part of the one-call review: the offline verdict, the prompt variables, the model answer."""

from __future__ import annotations

from typing import Any

from assistant.screening.engine import OfflineScreener
from assistant.screening.models import LLMScreening, ScreeningVerdict


class ScreeningPart:
    """Everything the review spec needs to screen one text (offline, and from a model's answer)."""

    def __init__(self, engine: OfflineScreener) -> None:
        self.engine = engine

    def offline(self, text: str) -> ScreeningVerdict:
        """The offline engine's verdict."""
        return self.engine.screen(text)

    def variables(self) -> dict[str, object]:
        """Prompt variables: the channel catalogue."""
        return {"channels": self.engine.catalogue.prompt_lines()}

    def catalogues(self) -> dict[str, list[str]]:
        """Allowed values in a model answer."""
        return {"channel": list(self.engine.catalogue.names())}

    @staticmethod
    def offline_answer(verdict: ScreeningVerdict) -> LLMScreening:
        """An offline verdict in the model's answer schema."""
        return LLMScreening(
            in_scope=verdict.in_scope, category=verdict.category, confidence=verdict.confidence,
            reason=verdict.reason[:300], evidence=verdict.evidence,
            channel=verdict.redirect.channel if verdict.redirect else None, mixed=verdict.warning is not None,
            reframe=verdict.reframe[:200] if verdict.reframe else None,
        )

    def accept(self, answer: LLMScreening, text: str, offline: ScreeningVerdict) -> ScreeningVerdict:
        """The verdict of a model answer: evidence must be quoted from the text, channels come from the catalogue."""
        catalogue = self.engine.catalogue
        evidence = [e for e in answer.evidence if e and e in text] or offline.evidence
        redirect = None
        reframe = answer.reframe or None
        if not answer.in_scope:
            assert answer.category is not None
            redirect = (catalogue.by_name(answer.channel) if answer.channel else None) or catalogue.route(
                answer.category, text)
            reframe = reframe or self.engine.reframer.hint(text)
        elif answer.mixed:
            reframe = reframe or self.engine.reframer.hint(text)
        else:
            reframe = None
        return ScreeningVerdict(
            in_scope=answer.in_scope, category=answer.category, confidence=answer.confidence, reason=answer.reason,
            clause=catalogue.clause, evidence=evidence[:6], redirect=redirect, reframe=reframe,
            warning=catalogue.mixed_warning if answer.in_scope and answer.mixed else None,
        )

    @staticmethod
    def summary(verdict: ScreeningVerdict) -> dict[str, Any]:
        """What the audit log keeps of a verdict."""
        return verdict.audit_summary()

    @staticmethod
    def agrees(shown: ScreeningVerdict, offline: ScreeningVerdict) -> bool:
        """Same in/out decision and category."""
        return (shown.in_scope, shown.category) == (offline.in_scope, offline.category)
