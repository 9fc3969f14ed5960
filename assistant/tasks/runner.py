"""The one task runner: clean the text once → offline engine → model (structured or streamed) → accept, repair
or fall back → one typed audit record. Every screening, routing, review, draft and rating goes through here."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from assistant.errors import BaixingError
from assistant.llm.runner import LLMResult, LLMRunner
from assistant.tasks.models import (
    FALLBACK,
    OFFLINE,
    ModelPrompt,
    TaskAudit,
    TaskOutcome,
    TaskRequest,
    TaskRun,
    text_digest,
)
from assistant.tasks.spec import AnswerRejected, StreamedTaskSpec, TaskSpec
from assistant.textinput import clean_text, require_substance

log = logging.getLogger("baixing.tasks")

R = TypeVar("R", bound=TaskRequest)
V = TypeVar("V", bound=BaseModel)
A = TypeVar("A", bound=BaseModel)

UNPARSED = "大模型输出的格式无法识别，已改用离线规则生成结果。"


class AuditSink(Protocol):
    """Where the audit record of every task run goes (the database's audit log in the app)."""

    def record(self, audit: TaskAudit) -> None:
        """Store one record; must never raise into the caller."""

    def buffered(self) -> AbstractContextManager[None]:
        """Within the block, records are written in batches (batch commands)."""


def _ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)


def run_from(result: LLMResult[Any], offline_ms: int) -> TaskRun:
    """The run record of a model call (or of its fallback)."""
    fallback = result.fallback
    return TaskRun(
        task=result.task, engine=result.backend, model=result.model, prompt_version=result.prompt_version,
        prompt_sha256=result.prompt_sha256 or None,
        fallback_code=fallback.code if fallback else None, fallback_message=fallback.message if fallback else None,
        fallback_cause=fallback.cause if fallback else None, latency_ms=offline_ms + result.latency_ms,
        tokens_in=result.tokens_in, tokens_out=result.tokens_out, calls=result.calls,
    )


class TaskRunner:
    """Runs task specs; ``llm`` is the app's model layer (None or offline mode: the offline engines answer)."""

    def __init__(self, llm: LLMRunner | None, sink: AuditSink | None = None, max_chars: int = 20000) -> None:
        self.llm = llm
        self.sink = sink
        self.max_chars = max_chars

    @property
    def llm_enabled(self) -> bool:
        """True when a model backend (not the offline engine) is configured."""
        return self.llm is not None and self.llm.mode != OFFLINE

    @property
    def mode(self) -> str:
        """``offline`` or the model backend's name."""
        return self.llm.mode if self.llm is not None else OFFLINE

    def prompt_version(self, task: str) -> str | None:
        """The version of ``task``'s prompt a model would be asked with now (None offline)."""
        if not self.llm_enabled or self.llm is None:
            return None
        return self.llm.prompts.active_version(task)

    def batch(self) -> AbstractContextManager[Any]:
        """Audit records of the block are written in batches (a no-op without a sink)."""
        return self.sink.buffered() if self.sink is not None else nullcontext()

    def flush_audit(self) -> None:
        """Write the audit records buffered so far (before printing the results they describe)."""
        flush = getattr(self.sink, "flush", None)
        if flush is not None:
            flush()

    # input ------------------------------------------------------------------------------------------
    def clean(self, spec: TaskSpec[R, V, A], request: R) -> R:
        """``request`` with its text checked and normalised (InputError with a Chinese message otherwise)."""
        text = clean_text(request.text, self.max_chars, spec.what)
        if spec.substance:
            text = require_substance(text)
        return request if text == request.text else request.model_copy(update={"text": text})

    # structured -------------------------------------------------------------------------------------
    def run(
        self,
        spec: TaskSpec[R, V, A],
        request: R,
        *,
        offline_only: bool = False,
        audit: bool = True,
        entity_id: str | None = None,
        user_id: int | None = None,
    ) -> TaskOutcome[V]:
        """Answer ``request`` with the offline engine and, when configured, the model; audited once."""
        request = self.clean(spec, request)
        start = time.perf_counter()
        offline = spec.offline(request)
        if offline_only or not self.llm_enabled:
            run = TaskRun(task=spec.task, latency_ms=_ms(start))
            outcome = TaskOutcome[V](value=spec.stamp(offline, run), offline=offline, run=run)
        else:
            outcome = self._structured(spec, request, offline, _ms(start))
        if audit:
            self.record(spec, request.text, outcome, entity_id, user_id)
        return outcome

    def run_many(
        self,
        spec: TaskSpec[R, V, A],
        requests: Sequence[R],
        *,
        offline_only: bool = False,
        audit: bool = True,
        entity_ids: Sequence[str | None] | None = None,
        user_id: int | None = None,
    ) -> list[TaskOutcome[V] | BaixingError]:
        """Answer many requests, in order, as :meth:`run` would answer each (one audit record per request).

        Offline (or ``offline_only``), the offline values come from one ``spec.offline_many`` call, which a spec
        may vectorise (batch commands, staff imports). With a model, every request is run one by one. A request
        whose text cannot be used gets its :class:`~assistant.errors.BaixingError` (a Chinese message) in its place.
        """
        ids = list(entity_ids) if entity_ids is not None else [None] * len(requests)
        if not offline_only and self.llm_enabled:
            results: list[TaskOutcome[V] | BaixingError] = []
            for request, entity_id in zip(requests, ids, strict=True):
                try:
                    results.append(self.run(spec, request, audit=audit, entity_id=entity_id, user_id=user_id))
                except BaixingError as exc:
                    results.append(exc)
            return results
        cleaned: list[R | BaixingError] = []
        for request in requests:
            try:
                cleaned.append(self.clean(spec, request))
            except BaixingError as exc:
                cleaned.append(exc)
        valid = [r for r in cleaned if not isinstance(r, BaixingError)]
        start = time.perf_counter()
        values = iter(spec.offline_many(valid))
        each = _ms(start) // max(len(valid), 1)
        out: list[TaskOutcome[V] | BaixingError] = []
        for item, entity_id in zip(cleaned, ids, strict=True):
            if isinstance(item, BaixingError):
                out.append(item)
                continue
            request, offline = item, next(values)
            run = TaskRun(task=spec.task, latency_ms=each)
            outcome = TaskOutcome[V](value=spec.stamp(offline, run), offline=offline, run=run)
            if audit:
                self.record(spec, request.text, outcome, entity_id, user_id)
            out.append(outcome)
        return out

    def fitted_prompt(self, spec: TaskSpec[R, V, A], request: R, offline: V) -> ModelPrompt:
        """The spec's prompt reduced to the variables the active prompt version declares (a version may use
        fewer of what the spec offers; one it needs and the spec lacks still fails loudly)."""
        assert self.llm is not None
        prompt = spec.prompt(request, offline)
        needed = set(self.llm.prompts.load(spec.task).variables)
        return ModelPrompt(variables={k: v for k, v in prompt.variables.items() if k in needed},
                           untrusted={k: v for k, v in prompt.untrusted.items() if k in needed},
                           catalogues=prompt.catalogues)

    def _structured(self, spec: TaskSpec[R, V, A], request: R, offline: V, offline_ms: int) -> TaskOutcome[V]:
        assert self.llm is not None
        prompt = self.fitted_prompt(spec, request, offline)
        accepted: list[V] = []

        def check(answer: A) -> None:
            accepted[:] = [spec.accept(answer, request, offline)]

        result = self.llm.run_structured(
            spec.task, spec.answer_schema, offline=lambda: spec.offline_answer(offline),
            variables=prompt.variables, untrusted=prompt.untrusted, catalogues=prompt.catalogues,
            known_names=request.known_names, check=check,
        )
        run = run_from(result, offline_ms)
        value = accepted[-1] if accepted and not result.is_fallback else offline
        return TaskOutcome[V](value=spec.stamp(value, run), offline=offline, run=run)

    # streamed ---------------------------------------------------------------------------------------
    def stream(
        self,
        spec: StreamedTaskSpec[R, V, A],
        request: R,
        *,
        offline_only: bool = False,
        audit: bool = True,
        entity_id: str | None = None,
        user_id: int | None = None,
    ) -> TaskStream[R, V, A]:
        """Iterate for the text so far (model only); then read :attr:`TaskStream.outcome`."""
        return TaskStream(self, spec, self.clean(spec, request), offline_only=offline_only, audit=audit,
                          entity_id=entity_id, user_id=user_id)

    # audit ------------------------------------------------------------------------------------------
    def record(
        self, spec: TaskSpec[R, V, A], text: str, outcome: TaskOutcome[V], entity_id: str | None,
        user_id: int | None = None,
    ) -> None:
        """Hand the run's one audit record to the sink (a failing sink is logged, never raised)."""
        if self.sink is None:
            return
        digest = text_digest(text)
        audit = TaskAudit(
            task=spec.task, entity_type=spec.entity_type, action=spec.action, entity_id=entity_id or digest[:16],
            input_digest=digest, run=outcome.run, shown=spec.summary(outcome.value),
            offline=spec.summary(outcome.offline), agrees=spec.agrees(outcome.value, outcome.offline),
            user_id=user_id,
        )
        try:
            self.sink.record(audit)
        except Exception:  # the audit log must never break a user's request
            log.exception("audit sink failed for %s", spec.task)


class TaskStream(Generic[R, V, A]):
    """The text of a streamed model answer as it grows, then the outcome (the offline value on any failure).

    Offline (or with ``offline_only``) nothing is yielded: the outcome is ready at once. If the model fails
    before any text arrived, the offline text is yielded once; if it fails mid-stream, iteration ends and the
    outcome holds the offline value, so a page should replace what it showed.
    """

    def __init__(
        self, runner: TaskRunner, spec: StreamedTaskSpec[R, V, A], request: R, *, offline_only: bool, audit: bool,
        entity_id: str | None, user_id: int | None,
    ) -> None:
        self._runner = runner
        self._spec = spec
        self._request = request
        self._offline_only = offline_only
        self._audit = audit
        self._entity_id = entity_id
        self._user_id = user_id
        self._outcome: TaskOutcome[V] | None = None

    @property
    def outcome(self) -> TaskOutcome[V]:
        """The final outcome; available once iteration has finished."""
        if self._outcome is None:
            raise RuntimeError("TaskStream.outcome is available only after the stream was consumed")
        return self._outcome

    def collect(self) -> TaskOutcome[V]:
        """Consume the stream and return the outcome."""
        for _ in self:
            pass
        return self.outcome

    def __iter__(self) -> Iterator[str]:
        spec, request, runner = self._spec, self._request, self._runner
        start = time.perf_counter()
        offline = spec.offline(request)
        if self._offline_only or not runner.llm_enabled or runner.llm is None:
            run = TaskRun(task=spec.task, latency_ms=_ms(start))
            self._finish(TaskOutcome[V](value=spec.stamp(offline, run), offline=offline, run=run))
            return
        offline_ms = _ms(start)
        prompt = runner.fitted_prompt(spec, request, offline)
        stream = runner.llm.run_stream(spec.task, offline=lambda: spec.render(offline), variables=prompt.variables,
                                       untrusted=prompt.untrusted, known_names=request.known_names)
        shown = ""
        for chunk in stream:
            shown += chunk
            yield shown
        result = stream.result
        run = run_from(result, offline_ms)
        value = offline
        if not result.is_fallback:
            try:
                value = spec.parse(result.value, request, offline)
            except AnswerRejected as exc:
                log.warning("streamed %s answer rejected: %s", spec.task, exc.cause)
                run = run.model_copy(update={"engine": FALLBACK, "fallback_code": "invalid_output",
                                             "fallback_message": UNPARSED, "fallback_cause": exc.cause[:600]})
        self._finish(TaskOutcome[V](value=spec.stamp(value, run), offline=offline, run=run))

    def _finish(self, outcome: TaskOutcome[V]) -> None:
        self._outcome = outcome
        if self._audit:
            self._runner.record(self._spec, self._request.text, outcome, self._entity_id, self._user_id)
