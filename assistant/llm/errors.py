"""Typed errors of the LLM layer: a Chinese message for users, an English cause for engineers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.errors import BaixingError, ConfigError

if TYPE_CHECKING:
    from assistant.llm.protocol import Usage


class LLMError(BaixingError):
    """Base class: ``user_message`` is shown to users (Chinese), ``cause`` is for logs (English).

    Unlike :class:`~assistant.errors.BaixingError` the cause comes first: each subclass has a default
    Chinese message, so call sites usually only describe the cause.
    """

    default_message = "大模型服务出现问题。"

    def __init__(self, cause: str, *, user_message: str | None = None) -> None:
        super().__init__(user_message or self.default_message, cause)


class LLMConfigError(LLMError, ConfigError):
    """The LLM settings are incomplete or inconsistent (a deployment mistake, raised at start-up)."""

    default_message = "大模型配置不完整或有误，请检查 BAIXING_LLM__* 设置。"


class PromptError(LLMError):
    """A prompt file is missing, malformed, or rendered with the wrong variables (a programming error)."""

    default_message = "提示词模板有误，请联系系统管理员。"


class PromptNotFound(PromptError):
    """No prompt file for the requested task/version."""

    default_message = "找不到所需的提示词模板版本。"


class PromptVariableError(PromptError):
    """Variables supplied to a template do not match its placeholders (missing or extra)."""

    default_message = "提示词模板变量不匹配。"


class LLMUnavailable(LLMError):
    """The backend could not answer (transport, auth, rate limit, server error, exhausted fake script).

    ``code`` is a short machine-readable reason such as ``timeout`` or ``rate_limit``.
    """

    default_message = "大模型服务暂不可用。"

    def __init__(self, cause: str, *, code: str = "unavailable", user_message: str | None = None) -> None:
        self.code = code
        super().__init__(cause, user_message=user_message)


class LLMOutputInvalid(LLMError):
    """The model answered but the answer does not fit the schema (retryable once with the error)."""

    default_message = "大模型输出不符合要求。"

    def __init__(self, cause: str, *, usage: Usage | None = None, user_message: str | None = None) -> None:
        self.usage = usage
        super().__init__(cause, user_message=user_message)


class CatalogueViolation(LLMOutputInvalid):
    """The model chose a value outside the catalogue it was given (retryable like a validation error)."""

    default_message = "大模型给出了目录之外的取值。"
