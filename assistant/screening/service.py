"""Screening service: the offline verdict always, the LLM verdict when a model is configured, both audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from assistant.audit import send_to_sink
from assistant.llm.runner import FALLBACK, OFFLINE, LLMResult
from assistant.screening.engine import OfflineScreener
from assistant.screening.models import LLMScreening, ScreeningOutcome, ScreeningVerdict
from assistant.textinput import clean_text

TASK = "screening"
AuditSink = Callable[[str, dict[str, Any]], None]
"""Called with the screened text (to digest, never to store) and the audit record (no text, no PII)."""


class StructuredRunner(Protocol):
    """The part of :class:`assistant.llm.LLMRunner` the service uses."""

    @property
    def mode(self) -> str: ...

    def run_structured(self, task: str, schema: Any, **kwargs: Any) -> LLMResult[Any]: ...


class ScreeningService:
    """Screens citizen texts for the 百姓提案 scope.

    ``runner`` is the app's LLM runner (``None`` or offline mode: the offline engine answers alone).
    ``recorder`` receives, per screened text, the text and an audit record: LLM call metadata plus the shown
    and the offline verdict (the record holds no citizen text; see :func:`audit_log_sink`).
    """

    def __init__(
        self,
        offline: OfflineScreener,
        runner: StructuredRunner | None = None,
        recorder: AuditSink | None = None,
        max_chars: int = 20000,
    ) -> None:
        self.offline = offline
        self.runner = runner
        self.recorder = recorder
        self.max_chars = max_chars

    @property
    def llm_enabled(self) -> bool:
        """True when a model backend (not the offline engine) is configured."""
        return self.runner is not None and self.runner.mode != OFFLINE

    def screen(
        self,
        text: str,
        known_names: Sequence[str] = (),
        *,
        offline_only: bool = False,
        audit: bool = True,
        entity_id: str | None = None,
    ) -> ScreeningOutcome:
        """Screen one text; raises :class:`InputError` for empty, binary, too short or over-long input.

        ``entity_id`` (e.g. the idea's id) is passed to the audit record; ``audit=False`` skips the record.
        """
        text = clean_text(text, self.max_chars, "要筛查的内容")
        offline_verdict = self.offline.screen(text)
        if offline_only or not self.llm_enabled:
            outcome = ScreeningOutcome(verdict=offline_verdict, offline_verdict=offline_verdict)
        else:
            outcome = self._with_llm(text, offline_verdict, known_names)
        if audit:
            self._audit(text, outcome, entity_id)
        return outcome

    def screen_many(
        self, texts: Iterable[str], *, offline_only: bool = False, audit: bool = True
    ) -> list[ScreeningOutcome]:
        """Screen many texts in order (offline this is fast: thousands per second)."""
        return [self.screen(t, offline_only=offline_only, audit=audit) for t in texts]

    # LLM path ---------------------------------------------------------------------------------------
    def _with_llm(self, text: str, offline_verdict: ScreeningVerdict, known_names: Sequence[str]) -> ScreeningOutcome:
        assert self.runner is not None
        variables, catalogues = self.llm_request()
        result = self.runner.run_structured(
            TASK,
            LLMScreening,
            offline=lambda: _as_llm_answer(offline_verdict),
            variables=variables,
            untrusted={"text": text},
            catalogues=catalogues,
            known_names=list(known_names),
        )
        return self.outcome_from(result, result.value, text, offline_verdict)

    def llm_request(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Prompt variables (the channel catalogue) and catalogue constraints of a screening answer."""
        catalogue = self.offline.catalogue
        return {"channels": catalogue.prompt_lines()}, {"channel": list(catalogue.names())}

    def offline_answer(self, verdict: ScreeningVerdict) -> LLMScreening:
        """An offline verdict in the model's answer schema."""
        return _as_llm_answer(verdict)

    def outcome_from(
        self, result: LLMResult[Any], answer: LLMScreening, text: str, offline_verdict: ScreeningVerdict
    ) -> ScreeningOutcome:
        """The outcome of a model call (or its fallback), with the offline verdict kept beside it."""
        if result.is_fallback or result.backend in (OFFLINE, FALLBACK):
            verdict = offline_verdict.model_copy(
                update={
                    "backend": result.backend,
                    "model": result.model,
                    "prompt_version": result.prompt_version,
                    "fallback": result.fallback.message if result.fallback else None,
                }
            )
        else:
            verdict = self._from_llm(answer, text, offline_verdict, result)
        return ScreeningOutcome(verdict=verdict, offline_verdict=offline_verdict, llm_audit=result.audit())

    def record(self, text: str, outcome: ScreeningOutcome, entity_id: str | None = None) -> None:
        """Write the audit record of one screening."""
        self._audit(text, outcome, entity_id)

    def _from_llm(
        self, answer: LLMScreening, text: str, offline_verdict: ScreeningVerdict, result: LLMResult[Any]
    ) -> ScreeningVerdict:
        catalogue = self.offline.catalogue
        evidence = [e for e in answer.evidence if e and e in text] or offline_verdict.evidence
        redirect = None
        reframe = answer.reframe or None
        if not answer.in_scope:
            assert answer.category is not None
            redirect = (catalogue.by_name(answer.channel) if answer.channel else None) or catalogue.route(
                answer.category, text
            )
            reframe = reframe or self.offline.reframer.hint(text)
        elif answer.mixed:
            reframe = reframe or self.offline.reframer.hint(text)
        else:
            reframe = None
        return ScreeningVerdict(
            in_scope=answer.in_scope,
            category=answer.category,
            confidence=answer.confidence,
            reason=answer.reason,
            clause=catalogue.clause,
            evidence=evidence[:6],
            redirect=redirect,
            reframe=reframe,
            warning=catalogue.mixed_warning if answer.in_scope and answer.mixed else None,
            backend=result.backend,
            model=result.model,
            prompt_version=result.prompt_version,
        )

    # audit ------------------------------------------------------------------------------------------
    def _audit(self, text: str, outcome: ScreeningOutcome, entity_id: str | None) -> None:
        send_to_sink(self.recorder, text, TASK, entity_id, outcome.llm_audit,
                     ("verdict", outcome.verdict.audit_summary()),
                     ("offline_verdict", outcome.offline_verdict.audit_summary()), outcome.agrees)


def audit_log_sink(audit_log: Any) -> AuditSink:
    """Adapter to :class:`assistant.audit.AuditLog`: one ``screen`` suggestion per text (text kept as a digest)."""
    from assistant.audit import suggestion_sink

    return suggestion_sink(audit_log, "screening", "screen", "verdict", "offline_verdict")


def _as_llm_answer(verdict: ScreeningVerdict) -> LLMScreening:
    """The offline verdict in the LLM schema (what the runner returns when it falls back)."""
    return LLMScreening(
        in_scope=verdict.in_scope,
        category=verdict.category,
        confidence=verdict.confidence,
        reason=verdict.reason[:300],
        evidence=verdict.evidence,
        channel=verdict.redirect.channel if verdict.redirect else None,
        mixed=verdict.warning is not None,
        reframe=verdict.reframe[:200] if verdict.reframe else None,
    )
