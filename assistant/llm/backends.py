"""Chat backends: any OpenAI-compatible endpoint through langchain-openai, and a scripted fake for tests.

There is no backend object for ``offline``: offline means "use the service's own deterministic engine",
which the runner calls directly.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, SecretStr, ValidationError

from assistant.llm.errors import LLMOutputInvalid, LLMUnavailable
from assistant.llm.guard import describe_validation_error
from assistant.llm.protocol import ChatMessage, M, StreamChunk, StructuredReply, Usage

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

ToolChoice = Literal["function", "required", "auto"]


def _tracing_disabled() -> contextlib.AbstractContextManager[Any]:
    """Never ship prompts to LangSmith, whatever LANGSMITH_* variables say."""
    try:
        from langsmith import tracing_context
    except ImportError:  # pragma: no cover - langsmith ships with langchain-core
        return contextlib.nullcontext()
    return tracing_context(enabled=False)


def _to_langchain(messages: Sequence[ChatMessage]) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


def _usage_of(message: Any) -> Usage:
    meta = getattr(message, "usage_metadata", None) or {}
    return Usage(int(meta.get("input_tokens", 0) or 0), int(meta.get("output_tokens", 0) or 0))


def _no_tool_call_cause(raw: Any) -> str:
    invalid = getattr(raw, "invalid_tool_calls", None) or []
    if invalid:
        first = invalid[0]
        return f"tool call arguments are not valid JSON: {str(first.get('args'))[:300]!r}"
    content = getattr(raw, "content", "")
    return f"answered with plain text instead of a tool call: {str(content)[:300]!r}"


class OpenAIChatBackend:
    """Any OpenAI-compatible chat endpoint (vLLM, Ollama, Xinference, DeepSeek, DashScope …).

    Structured output uses tool calling (``method="function_calling"``): the ``json_schema`` response format
    is rejected by many compatible servers.
    """

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 1,
        temperature: float = 0.2,
        max_tokens: int | None = 2048,
        tool_choice: ToolChoice = "function",
        stream_usage: bool = True,
        chat_model: Any | None = None,
    ) -> None:
        from langchain_openai import ChatOpenAI

        self.model = model
        self.base_url = base_url
        self._tool_choice = tool_choice
        self._structured: dict[type[BaseModel], Any] = {}
        # max_tokens goes in the body as-is: ChatOpenAI would rename it to max_completion_tokens,
        # which several compatible servers ignore.
        self._chat = chat_model or ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=SecretStr(api_key or "EMPTY"),  # local servers accept any key; the client insists on one
            timeout=timeout_s,
            max_retries=max_retries,
            temperature=temperature,
            stream_usage=stream_usage,
            extra_body={"max_tokens": max_tokens} if max_tokens else None,
        )

    def structured(self, messages: Sequence[ChatMessage], schema: type[M]) -> StructuredReply[M]:
        runnable = self._structured.get(schema)
        if runnable is None:
            extra: dict[str, Any] = {}
            if self._tool_choice != "function":  # default: force the named tool
                extra["tool_choice"] = self._tool_choice
            runnable = self._chat.with_structured_output(
                schema, method="function_calling", include_raw=True, **extra
            )
            self._structured[schema] = runnable
        with _tracing_disabled():
            out = runnable.invoke(_to_langchain(messages))
        raw = out["raw"]
        usage = _usage_of(raw)
        error = out.get("parsing_error")
        if error is not None:
            raise LLMOutputInvalid(describe_validation_error(_unwrap(error)), usage=usage)
        parsed = out.get("parsed")
        if parsed is None:
            raise LLMOutputInvalid(_no_tool_call_cause(raw), usage=usage)
        if not isinstance(parsed, schema):  # defensive: a dict schema or an odd parser
            parsed = _validate(schema, parsed, usage)
        return StructuredReply(parsed=parsed, usage=usage)

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[StreamChunk]:
        from langchain_core.messages import AIMessageChunk

        with _tracing_disabled():
            for chunk in self._chat.stream(_to_langchain(messages)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                usage = (
                    _usage_of(chunk) if isinstance(chunk, AIMessageChunk) and chunk.usage_metadata else None
                )
                if text or usage:
                    yield StreamChunk(text=text, usage=usage)


def _unwrap(error: BaseException) -> BaseException:
    """The pydantic ValidationError behind a parser exception, if there is one."""
    seen = error
    while seen is not None:
        if isinstance(seen, ValidationError):
            return seen
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return error


def _validate(schema: type[M], data: Any, usage: Usage) -> M:
    try:
        if isinstance(data, str):
            return schema.model_validate_json(data)
        return schema.model_validate(data)
    except ValidationError as exc:
        raise LLMOutputInvalid(describe_validation_error(exc), usage=usage) from exc


# --------------------------------------------------------------------------------------------------
# Fake backend for unit tests


@dataclass(frozen=True)
class FakeCall:
    """What the fake backend was asked (messages are already masked)."""

    kind: Literal["structured", "stream"]
    messages: list[ChatMessage]
    schema: type[BaseModel] | None = None


@dataclass
class FakeReply:
    """A scripted reply: structured data, text (streamed in ``chunks``), or an exception to raise."""

    data: BaseModel | dict[str, Any] | str | None = None
    error: BaseException | None = None
    chunks: list[str | BaseException] | None = None
    usage: Usage = field(default_factory=lambda: Usage(10, 5))


class FakeChatBackend:
    """Scripted replies, consumed in order (like simonw/llm's MockModel).

    ``enqueue`` accepts pydantic objects or dicts (tool-call arguments, validated against the requested
    schema), strings (text answers; for ``structured`` a string means "plain text instead of a tool call"
    and is rejected), exceptions (raised), or :class:`FakeReply`. An empty script raises
    :class:`LLMUnavailable` with code ``fake_exhausted``, so the runner falls back to the offline engine.
    """

    name = "fake"

    def __init__(self, model: str = "fake-model") -> None:
        self.model = model
        self.calls: list[FakeCall] = []
        self._script: deque[FakeReply] = deque()
        self._lock = threading.Lock()

    def enqueue(
        self, *replies: BaseModel | dict[str, Any] | str | BaseException | FakeReply
    ) -> FakeChatBackend:
        """Append replies to the script; returns self for chaining."""
        with self._lock:
            for reply in replies:
                if isinstance(reply, FakeReply):
                    self._script.append(reply)
                elif isinstance(reply, BaseException):
                    self._script.append(FakeReply(error=reply))
                else:
                    self._script.append(FakeReply(data=reply))
        return self

    @property
    def pending(self) -> int:
        """Replies not yet consumed."""
        return len(self._script)

    def _next(self) -> FakeReply:
        with self._lock:
            if not self._script:
                raise LLMUnavailable("fake backend script is empty", code="fake_exhausted")
            reply = self._script.popleft()
        if reply.error is not None:
            raise reply.error
        return reply

    def structured(self, messages: Sequence[ChatMessage], schema: type[M]) -> StructuredReply[M]:
        self.calls.append(FakeCall("structured", list(messages), schema))
        reply = self._next()
        data = reply.data
        if isinstance(data, str) or data is None:  # text is never accepted as a structured answer
            raise LLMOutputInvalid(
                f"answered with plain text instead of a tool call: {str(data)[:300]!r}", usage=reply.usage
            )
        if isinstance(data, BaseModel):
            data = data.model_dump()
        return StructuredReply(parsed=_validate(schema, data, reply.usage), usage=reply.usage)

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[StreamChunk]:
        self.calls.append(FakeCall("stream", list(messages)))
        reply = self._next()
        chunks = reply.chunks
        if chunks is None:
            text = reply.data if isinstance(reply.data, str) else json.dumps(reply.data, ensure_ascii=False)
            chunks = [text[i : i + 8] for i in range(0, len(text), 8)]
        for piece in chunks:
            if isinstance(piece, BaseException):  # a mid-stream failure scripted as a chunk
                raise piece
            yield StreamChunk(text=piece)
        yield StreamChunk(usage=reply.usage)
