"""Mode name → chat backend, and the runner the services use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.llm.backends import FakeChatBackend, OpenAIChatBackend
from assistant.llm.breaker import CircuitBreaker
from assistant.llm.calls import CallRecorder
from assistant.llm.errors import LLMConfigError
from assistant.llm.prompts import PromptLoader
from assistant.llm.protocol import ChatBackend
from assistant.llm.runner import LLMRunner

if TYPE_CHECKING:
    from assistant.settings import LLMSettings, Settings


def build_chat_backend(settings: LLMSettings) -> ChatBackend | None:
    """The backend for ``settings.mode``; ``None`` for offline (services use their own engine)."""
    match settings.mode:
        case "offline":
            return None
        case "openai":
            if not settings.base_url:
                raise LLMConfigError("llm.mode=openai needs llm.base_url (BAIXING_LLM__BASE_URL)")
            return OpenAIChatBackend(
                base_url=settings.base_url,
                model=settings.model,
                api_key=settings.api_key.get_secret_value() if settings.api_key else None,
                timeout_s=settings.timeout_s,
                max_retries=settings.max_retries,
                temperature=settings.temperature,
                max_tokens=settings.max_tokens,
                tool_choice=settings.tool_choice,
                stream_usage=settings.stream_usage,
            )
        case "fake":
            return FakeChatBackend(model=settings.model)
        case other:  # pragma: no cover - guarded by the settings Literal
            raise LLMConfigError(f"unknown llm.mode {other!r}")


def build_llm_runner(
    settings: Settings, *, recorder: CallRecorder | None = None, backend: ChatBackend | None = None
) -> LLMRunner:
    """The runner for the whole app. Pass ``backend`` to inject one (e.g. a scripted fake in tests)."""
    prompts = PromptLoader.from_settings(settings)
    chosen = backend if backend is not None else build_chat_backend(settings.llm)
    breaker = CircuitBreaker(threshold=settings.llm.breaker_threshold, cooldown_s=settings.llm.breaker_cooldown_s)
    return LLMRunner(chosen, prompts, recorder=recorder, breaker=breaker)
