"""The one entry point services use to ask a model: masking, delimiting, validation, retry, fallback, records.

``run_structured`` makes at most two requests (the second carries the validation error back to the model);
``run_stream`` makes one. Whatever goes wrong with the endpoint, the caller gets an answer: the offline
engine's, marked ``backend == "offline (fallback)"`` with a reason.
"""

from __future__ import annotations

import functools
import importlib
import logging
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from assistant.llm.breaker import CircuitBreaker
from assistant.llm.calls import CallRecorder, LLMCallRecord, log_call
from assistant.llm.errors import CatalogueViolation, LLMOutputInvalid, LLMUnavailable, PromptVariableError
from assistant.llm.guard import GUARD_TASK, check_catalogue, delimit, describe_validation_error
from assistant.llm.pii import PIIMasker
from assistant.llm.prompts import PromptLoader, PromptTemplate
from assistant.llm.protocol import ChatBackend, ChatMessage, M, Usage

logger = logging.getLogger("assistant.llm")

T = TypeVar("T")

OFFLINE = "offline"
FALLBACK = "offline (fallback)"

_FALLBACK_MESSAGES = {
    "timeout": "大模型服务响应超时，已改用离线规则生成结果。",
    "connection": "无法连接大模型服务，已改用离线规则生成结果。",
    "auth": "大模型服务拒绝了访问凭据（401/403），已改用离线规则生成结果。",
    "rate_limit": "大模型服务繁忙（429 限流），已改用离线规则生成结果。",
    "server_error": "大模型服务内部错误（5xx），已改用离线规则生成结果。",
    "bad_request": "大模型服务不接受该请求，已改用离线规则生成结果。",
    "http_error": "大模型服务返回错误，已改用离线规则生成结果。",
    "invalid_output": "大模型两次输出均不符合格式要求，已改用离线规则生成结果。",
    "catalogue": "大模型两次给出目录之外的取值，已改用离线规则生成结果。",
    "empty_output": "大模型没有返回内容，已改用离线规则生成结果。",
    "fake_exhausted": "测试用模拟模型没有预设回复，已改用离线规则生成结果。",
    "unexpected": "调用大模型时发生意外错误，已改用离线规则生成结果。",
    "circuit_open": "大模型服务连续出错，暂停调用一段时间，已改用离线规则生成结果。",
}
_RETRYABLE = frozenset({"invalid_output", "catalogue"})


@functools.cache
def _transport_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(timeout, transport) exception classes of the HTTP libraries the openai client may use."""
    timeouts: list[type[BaseException]] = [TimeoutError]
    transports: list[type[BaseException]] = [ConnectionError]
    for name in ("httpx", "httpx2"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(module.TimeoutException)
        transports.append(module.TransportError)
    return tuple(timeouts), tuple(transports)




@dataclass(frozen=True)
class FallbackReason:
    """Why the offline engine answered instead of the model."""

    code: str
    message: str
    cause: str


@dataclass(frozen=True)
class LLMResult(Generic[T]):
    """A value plus where it came from and what it cost (recorded with every result in the audit log)."""

    value: T
    backend: str
    model: str | None
    task: str
    prompt_version: str
    prompt_sha256: str = ""
    guard_version: str | None = None
    fallback: FallbackReason | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: int = 0
    calls: int = 0

    @property
    def is_fallback(self) -> bool:
        """True when the offline engine stood in for a failed model call."""
        return self.fallback is not None

    def audit(self) -> dict[str, Any]:
        """Metadata for the audit log (no value, no personal data)."""
        return {
            "task": self.task,
            "prompt_version": self.prompt_version,
            "prompt_sha256": self.prompt_sha256,
            "guard_version": self.guard_version,
            "backend": self.backend,
            "model": self.model,
            "fallback_code": self.fallback.code if self.fallback else None,
            "fallback_cause": self.fallback.cause if self.fallback else None,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "latency_ms": self.latency_ms,
            "calls": self.calls,
        }


def classify_error(exc: BaseException) -> tuple[str, str]:
    """(reason code, engineer-readable cause) of a failed request.

    The HTTP client libraries are imported here, on the first failure, not when the app starts offline.
    """
    import openai
    from langchain_core.exceptions import OutputParserException

    timeout_errors, transport_errors = _transport_errors()
    cause = f"{type(exc).__name__}: {getattr(exc, 'cause', None) or exc}"[:600]
    if isinstance(exc, CatalogueViolation):
        code = "catalogue"
    elif isinstance(exc, LLMOutputInvalid | OutputParserException | ValidationError):
        code = "invalid_output"
        cause = f"{type(exc).__name__}: {describe_validation_error(exc)}"[:1200]
    elif isinstance(exc, LLMUnavailable):
        code = exc.code
    elif isinstance(exc, (openai.APITimeoutError, *timeout_errors)):
        code = "timeout"
    elif isinstance(exc, (openai.APIConnectionError, *transport_errors)):
        code = "connection"
    elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        code = "auth"
    elif isinstance(exc, openai.RateLimitError):
        code = "rate_limit"
    elif isinstance(exc, openai.BadRequestError | openai.NotFoundError | openai.UnprocessableEntityError):
        code = "bad_request"
    elif isinstance(exc, openai.APIStatusError):
        code = "server_error" if exc.status_code >= 500 else "http_error"
    else:
        code = "unexpected"
    return code, cause


def _ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)


class LLMRunner:
    """Runs prompt tasks against a backend (or the offline engine when ``backend`` is None)."""

    def __init__(
        self,
        backend: ChatBackend | None,
        prompts: PromptLoader,
        *,
        recorder: CallRecorder | None = None,
        max_attempts: int = 2,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.backend = backend
        self.prompts = prompts
        self.recorder = recorder
        self.max_attempts = max(1, max_attempts)
        self.breaker = breaker or CircuitBreaker()

    @property
    def mode(self) -> str:
        """``offline`` or the backend's name (``openai``, ``fake``)."""
        return self.backend.name if self.backend else OFFLINE

    # message building ----------------------------------------------------------------------------
    def build_messages(
        self,
        task: str,
        variables: Mapping[str, object] | None = None,
        untrusted: Mapping[str, str] | None = None,
    ) -> tuple[PromptTemplate, PromptTemplate, list[ChatMessage]]:
        """(task template, guard template, messages before masking); citizen text delimited."""
        variables = dict(variables or {})
        untrusted = dict(untrusted or {})
        overlap = variables.keys() & untrusted.keys()
        if overlap:
            raise PromptVariableError(f"variables given both as trusted and untrusted: {sorted(overlap)}")
        template = self.prompts.load(task)
        guard = self.prompts.load(GUARD_TASK)
        filled: dict[str, object] = {**variables, **{k: delimit(v) for k, v in untrusted.items()}}
        messages = template.render_messages(filled)
        clause = guard.render_section("system_clause", {})
        if messages[0].role == "system":
            messages[0] = ChatMessage("system", f"{messages[0].content}\n\n{clause}")
        else:
            messages.insert(0, ChatMessage("system", clause))
        return template, guard, messages

    # structured ----------------------------------------------------------------------------------
    def run_structured(
        self,
        task: str,
        schema: type[M],
        *,
        offline: Callable[[], M],
        variables: Mapping[str, object] | None = None,
        untrusted: Mapping[str, str] | None = None,
        catalogues: Mapping[str, Collection[str]] | None = None,
        known_names: Sequence[str] = (),
        check: Callable[[M], None] | None = None,
    ) -> LLMResult[M]:
        """One schema-valid answer for ``task``; retried once on a validation/catalogue error, else offline.

        ``variables`` are trusted values (catalogues, retrieved context you vouch for); ``untrusted`` values
        (citizen text) are delimited as data. ``catalogues`` maps a field path (``"units"``, ``"a.b"``) to its
        allowed values. ``known_names`` (e.g. the proposer's name) are masked like other personal data.
        ``check`` sees the unmasked answer; raising :class:`LLMOutputInvalid` there counts as an invalid answer
        (asked once more with the reason, then the offline answer).
        """
        template, guard, messages = self.build_messages(task, variables, untrusted)
        base: dict[str, Any] = {
            "task": task,
            "prompt_version": template.version,
            "prompt_sha256": template.sha256,
            "guard_version": guard.version,
        }
        if self.backend is None:
            return LLMResult(value=offline(), backend=OFFLINE, model=None, **base)

        backend = self.backend
        masker = PIIMasker(known_names)
        usage, latency, calls = Usage(), 0, 0
        conversation = list(messages)
        code, cause = "unexpected", ""
        attempts = self.max_attempts if self.breaker.allow() else 0
        if not attempts:
            code, cause = "circuit_open", "skipped: the endpoint failed repeatedly (circuit breaker open)"
        for attempt in range(1, attempts + 1):
            request = masker.mask_messages(conversation)
            start = time.perf_counter()
            calls += 1
            reply = None
            try:
                reply = backend.structured(request, schema)
                if catalogues:
                    check_catalogue(reply.parsed, catalogues)
                answer = masker.unmask(reply.parsed)
                if check is not None:
                    check(answer)
            except Exception as exc:
                elapsed = _ms(start)
                latency += elapsed
                spent = getattr(exc, "usage", None) or (reply.usage if reply is not None else Usage())
                usage += spent
                code, cause = classify_error(exc)
                self.breaker.record(code)
                self._record(
                    task, template.version, "structured", attempt, False, spent, elapsed, code, cause
                )
                if code in _RETRYABLE and attempt < self.max_attempts:
                    retry = guard.render_section("retry", {"error": cause})
                    conversation = [*messages, ChatMessage("user", retry)]
                    continue
                break
            elapsed = _ms(start)
            latency += elapsed
            usage += reply.usage
            self.breaker.record(None)
            self._record(task, template.version, "structured", attempt, True, reply.usage, elapsed)
            return LLMResult(
                value=answer,
                backend=backend.name,
                model=backend.model,
                tokens_in=usage.input_tokens,
                tokens_out=usage.output_tokens,
                latency_ms=latency,
                calls=calls,
                **base,
            )
        reason = self._fallback_reason(task, code, cause)
        return LLMResult(
            value=offline(),
            backend=FALLBACK,
            model=backend.model,
            fallback=reason,
            tokens_in=usage.input_tokens,
            tokens_out=usage.output_tokens,
            latency_ms=latency,
            calls=calls,
            **base,
        )

    # streaming -----------------------------------------------------------------------------------
    def run_stream(
        self,
        task: str,
        *,
        offline: Callable[[], str],
        variables: Mapping[str, object] | None = None,
        untrusted: Mapping[str, str] | None = None,
        known_names: Sequence[str] = (),
    ) -> LLMStream:
        """A streamed text answer for ``task`` (see :class:`LLMStream` for the fallback semantics)."""
        template, guard, messages = self.build_messages(task, variables, untrusted)
        return LLMStream(self, template, guard, messages, offline, known_names)

    # helpers -------------------------------------------------------------------------------------
    def _fallback_reason(self, task: str, code: str, cause: str) -> FallbackReason:
        logger.warning("llm fallback task=%s code=%s cause=%s", task, code, cause)
        message = _FALLBACK_MESSAGES.get(code, _FALLBACK_MESSAGES["unexpected"])
        return FallbackReason(code=code, message=message, cause=cause)

    def _record(
        self,
        task: str,
        version: str,
        kind: str,
        attempt: int,
        ok: bool,
        usage: Usage,
        latency_ms: int,
        error_code: str | None = None,
        error: str | None = None,
    ) -> None:
        assert self.backend is not None
        call = LLMCallRecord(
            task=task,
            prompt_version=version,
            backend=self.backend.name,
            model=self.backend.model,
            kind=kind,  # type: ignore[arg-type]
            attempt=attempt,
            ok=ok,
            tokens_in=usage.input_tokens,
            tokens_out=usage.output_tokens,
            latency_ms=latency_ms,
            error_code=error_code,
            error=error[:500] if error else None,
        )
        log_call(call)
        if self.recorder is not None:
            try:
                self.recorder.record(call)
            except Exception:  # a broken audit sink must not break the answer
                logger.exception("call recorder failed")


class LLMStream:
    """Iterate to receive text chunks (placeholders already restored); then read :attr:`result`.

    Fallback: if the request fails before any text arrived, the offline text is yielded as one chunk.
    If it fails mid-stream, iteration simply ends; ``result.value`` then holds the complete offline text and
    ``result.is_fallback`` is true, so a UI should replace what it showed. ``result.value`` is always the
    authoritative full text.
    """

    def __init__(
        self,
        runner: LLMRunner,
        template: PromptTemplate,
        guard: PromptTemplate,
        messages: list[ChatMessage],
        offline: Callable[[], str],
        known_names: Sequence[str],
    ) -> None:
        self._runner = runner
        self._template = template
        self._guard = guard
        self._messages = messages
        self._offline = offline
        self._known_names = known_names
        self._result: LLMResult[str] | None = None
        self._started = False

    @property
    def result(self) -> LLMResult[str]:
        """The final result; available once iteration has finished."""
        if self._result is None:
            raise RuntimeError("LLMStream.result is available only after the stream was consumed")
        return self._result

    def collect(self) -> LLMResult[str]:
        """Consume the stream and return the result."""
        for _ in self:
            pass
        return self.result

    def __iter__(self) -> Iterator[str]:
        if self._started:
            raise RuntimeError("an LLMStream can be iterated only once")
        self._started = True
        return self._run()

    def _base(self) -> dict[str, Any]:
        return {
            "task": self._template.task,
            "prompt_version": self._template.version,
            "prompt_sha256": self._template.sha256,
            "guard_version": self._guard.version,
        }

    def _run(self) -> Iterator[str]:
        runner, task, version = self._runner, self._template.task, self._template.version
        backend = runner.backend
        if backend is None:
            text = self._offline()
            self._result = LLMResult(value=text, backend=OFFLINE, model=None, **self._base())
            yield text
            return

        masker = PIIMasker(self._known_names)
        unmasker = masker.stream_unmasker()
        request = masker.mask_messages(self._messages)
        parts: list[str] = []
        usage = Usage()
        emitted = False
        start = time.perf_counter()
        if not runner.breaker.allow():
            text = self._offline()
            reason = runner._fallback_reason(task, "circuit_open", "skipped: circuit breaker open")
            self._result = LLMResult(
                value=text, backend=FALLBACK, model=backend.model, fallback=reason, **self._base()
            )
            yield text
            return
        chunks = backend.stream(request)
        try:
            for chunk in chunks:
                if chunk.usage is not None:
                    usage = chunk.usage
                if chunk.text:
                    parts.append(chunk.text)
                    ready = unmasker.feed(chunk.text)
                    if ready:
                        emitted = True
                        yield ready
            if not "".join(parts).strip():
                raise LLMUnavailable("the stream ended without any text", code="empty_output")
        except Exception as exc:
            elapsed = _ms(start)
            code, cause = classify_error(exc)
            runner.breaker.record(code)
            if emitted:
                cause = f"{cause} (after {sum(map(len, parts))} streamed characters; partial text discarded)"
            runner._record(task, version, "stream", 1, False, usage, elapsed, code, cause)
            text = self._offline()
            self._result = LLMResult(
                value=text,
                backend=FALLBACK,
                model=backend.model,
                fallback=runner._fallback_reason(task, code, cause),
                tokens_in=usage.input_tokens,
                tokens_out=usage.output_tokens,
                latency_ms=elapsed,
                calls=1,
                **self._base(),
            )
            if not emitted:
                yield text
            return
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        tail = unmasker.flush()
        elapsed = _ms(start)
        runner.breaker.record(None)
        runner._record(task, version, "stream", 1, True, usage, elapsed)
        self._result = LLMResult(
            value=masker.unmask_text("".join(parts)),
            backend=backend.name,
            model=backend.model,
            tokens_in=usage.input_tokens,
            tokens_out=usage.output_tokens,
            latency_ms=elapsed,
            calls=1,
            **self._base(),
        )
        if tail:
            yield tail
