"""Citizen text is data, not instructions.

* :func:`delimit` wraps untrusted text in ``<citizen_text>`` tags after neutralising anything inside it that
  could close the block or pose as a role/system marker (``</citizen_text>``, ``<system>``, ``<|im_start|>``).
* The system-prompt clause saying so lives in ``prompts/guard/<version>.md`` (section ``system_clause``),
  together with the feedback sent on a retry (section ``retry``).
* :func:`check_catalogue` rejects values the model invented instead of choosing from a catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.llm.errors import CatalogueViolation
from assistant.llm.pii import CLOSE, OPEN

CITIZEN_TAG = "citizen_text"
GUARD_TASK = "guard"

_ROLE_WORDS = (
    rf"{CITIZEN_TAG}|citizen[_\s-]?text|system|assistant|user|developer|tool|function|instructions?|"
    r"prompt|im_start|im_end|s|inst|sys|tool_call|tool_response|think"
)
# <tag>, </tag>, < / tag attr="x" >, also full-width brackets
_TAG_RE = re.compile(rf"[<＜]\s*/?\s*(?:{_ROLE_WORDS})\b[^<>＜＞\n]{{0,80}}[>＞]", re.IGNORECASE)
# chat-template special tokens such as <|im_start|>, <|system|>, <｜end▁of▁sentence｜>
_SPECIAL_TOKEN_RE = re.compile(r"[<＜]\s*[|｜][^<>＜＞\n]{0,40}[|｜]\s*[>＞]")
# [INST] [/INST] <<SYS>> markers of Llama-style templates
_INST_RE = re.compile(r"\[/?INST\]|<<\s*/?SYS\s*>>", re.IGNORECASE)


def _defang(match: re.Match[str]) -> str:
    text = match.group(0)
    return (
        text.replace("<", "‹")
        .replace(">", "›")
        .replace("＜", "‹")
        .replace("＞", "›")
        .replace("[", "⟦")
        .replace("]", "⟧")
    )


def neutralise(text: str) -> str:
    """``text`` with tag-like and template-token-like sequences made inert (brackets replaced).

    The placeholder brackets ⟨ ⟩ are reserved for the PII masker, so citizens cannot forge placeholders.
    """
    text = text.replace(OPEN, "‹").replace(CLOSE, "›")
    text = _SPECIAL_TOKEN_RE.sub(_defang, text)
    text = _TAG_RE.sub(_defang, text)
    return _INST_RE.sub(_defang, text)


def delimit(text: str) -> str:
    """Untrusted text inside ``<citizen_text>`` tags that it cannot close."""
    return f"<{CITIZEN_TAG}>\n{neutralise(text)}\n</{CITIZEN_TAG}>"


def _values_at(obj: Any, path: str) -> Iterable[Any]:
    """Values at a dotted path; lists are traversed element-wise; missing/None values are skipped."""
    head, _, rest = path.partition(".")
    current = obj.get(head) if isinstance(obj, Mapping) else getattr(obj, head, None)
    items = current if isinstance(current, list | tuple) else [current]
    for item in items:
        if item is None:
            continue
        if rest:
            yield from _values_at(item, rest)
        else:
            yield item


def catalogue_violations(
    value: BaseModel | Mapping[str, Any], catalogues: Mapping[str, Collection[str]]
) -> list[str]:
    """Human-readable problems: one line per value that is not in its field's catalogue."""
    problems: list[str] = []
    for path, allowed in catalogues.items():
        allowed_set = set(allowed)
        for item in _values_at(value, path):
            if item not in allowed_set:
                problems.append(f"field '{path}': value {item!r} is not in the catalogue given in the prompt")
    return problems


def check_catalogue(value: BaseModel | Mapping[str, Any], catalogues: Mapping[str, Collection[str]]) -> None:
    """Raise :class:`CatalogueViolation` if any catalogue-bound field holds an unknown value."""
    problems = catalogue_violations(value, catalogues)
    if problems:
        raise CatalogueViolation("; ".join(problems))


def describe_validation_error(exc: BaseException, limit: int = 1200) -> str:
    """A compact, model-readable description of why an output was rejected."""
    if isinstance(exc, ValidationError):
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
            lines.append(f"{loc}: {err.get('msg')} (input={err.get('input')!r})"[:300])
        text = "\n".join(lines)
    else:
        text = getattr(exc, "cause", None) or str(exc)
    return text[:limit]
