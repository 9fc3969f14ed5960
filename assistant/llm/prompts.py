"""Versioned prompt files: ``prompts/<task>/<version>.md``.

A file is a YAML front matter followed by sections introduced by marker lines ``=== name ===``::

    ---
    task: idea_analysis
    version: v1
    description: ...
    variables: [idea, domains]
    ---
    === system ===
    ...
    === user ===
    ... {idea} ...

Placeholders are ``{name}`` (literal braces are written ``{{`` and ``}}``). Rendering fails loudly when a
variable is missing or when an extra one is supplied; loading fails when the declared ``variables`` do not
match the placeholders used in the sections.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from assistant.llm.errors import PromptError, PromptNotFound, PromptVariableError
from assistant.llm.protocol import ChatMessage

if TYPE_CHECKING:
    from assistant.settings import Settings

PROMPT_SUFFIX = ".md"
_SECTION_RE = re.compile(r"^===\s*([a-z_][a-z0-9_]*)\s*===\s*$", re.MULTILINE)
_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _placeholders(template: str, where: str) -> frozenset[str]:
    """Names used as ``{name}`` in ``template``; anything fancier (``{a.b}``, ``{x:>3}``) is rejected."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:  # unbalanced braces
        raise PromptError(
            f"{where}: bad brace syntax ({exc}); write literal braces as {{{{ and }}}}"
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME_RE.match(name) or spec or conversion:
            raise PromptError(f"{where}: placeholder {{{name}}} must be a plain lowercase identifier")
        names.add(name)
    return frozenset(names)


def _natural_key(version: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", version))


def format_value(value: object) -> str:
    """A variable's text: strings as they are, sequences as a bullet list, numbers via ``str``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return "\n".join(f"- {item}" for item in value)
    if isinstance(value, int | float):
        return str(value)
    raise PromptVariableError(f"unsupported variable type {type(value).__name__}")


@dataclass(frozen=True)
class PromptTemplate:
    """One parsed prompt file."""

    task: str
    version: str
    sections: Mapping[str, str]
    description: str = ""
    sha256: str = ""
    path: Path | None = None
    section_variables: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def variables(self) -> frozenset[str]:
        """Every placeholder used in any section."""
        return frozenset().union(*self.section_variables.values()) if self.section_variables else frozenset()

    def render_section(self, name: str, variables: Mapping[str, object]) -> str:
        """One section with exactly its placeholders filled."""
        if name not in self.sections:
            raise PromptError(f"prompt {self.task}/{self.version} has no section '{name}'")
        return self._fill(self.sections[name], self.section_variables[name], variables, name)

    def render_messages(self, variables: Mapping[str, object]) -> list[ChatMessage]:
        """System (if any) and user messages; ``variables`` must match their placeholders exactly."""
        used = self.section_variables.get("system", frozenset()) | self.section_variables["user"]
        self._check(used, variables, "system+user")
        messages: list[ChatMessage] = []
        if "system" in self.sections:
            messages.append(ChatMessage("system", self._format(self.sections["system"], variables)))
        messages.append(ChatMessage("user", self._format(self.sections["user"], variables)))
        return messages

    def _fill(self, text: str, used: frozenset[str], variables: Mapping[str, object], where: str) -> str:
        self._check(used, variables, where)
        return self._format(text, variables)

    @staticmethod
    def _format(text: str, variables: Mapping[str, object]) -> str:
        return text.format_map({k: format_value(v) for k, v in variables.items()})

    def _check(self, used: frozenset[str], variables: Mapping[str, object], where: str) -> None:
        missing = sorted(used - variables.keys())
        extra = sorted(variables.keys() - used)
        if missing or extra:
            raise PromptVariableError(
                f"prompt {self.task}/{self.version} [{where}]: missing={missing} extra={extra}"
            )


def parse_prompt(text: str, *, task: str, version: str, path: Path | None = None) -> PromptTemplate:
    """Parse one prompt file's text (front matter + ``=== section ===`` blocks)."""
    where = f"{task}/{version}"
    if not text.startswith("---"):
        raise PromptError(f"{where}: missing front matter (file must start with ---)")
    try:
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise PromptError(f"{where}: unreadable front matter ({exc})") from exc
    if not isinstance(meta, dict):
        raise PromptError(f"{where}: front matter must be a mapping")
    for key, expected in (("task", task), ("version", version)):
        if key in meta and str(meta[key]) != expected:
            raise PromptError(f"{where}: front matter says {key}={meta[key]!r}, file path says {expected!r}")

    parts = _SECTION_RE.split(body)
    if parts[0].strip():
        raise PromptError(f"{where}: text before the first '=== section ===' marker")
    sections: dict[str, str] = {}
    for name, content in zip(parts[1::2], parts[2::2], strict=True):
        if name in sections:
            raise PromptError(f"{where}: section '{name}' appears twice")
        sections[name] = content.strip("\n")
    if not sections:
        raise PromptError(f"{where}: no sections")
    if "system" in sections and "user" not in sections:
        raise PromptError(f"{where}: a 'system' section needs a 'user' section")

    section_variables = {
        name: _placeholders(content, f"{where}[{name}]") for name, content in sections.items()
    }
    used = frozenset().union(*section_variables.values())
    declared = meta.get("variables")
    if declared is not None:
        declared_set = frozenset(str(v) for v in declared)
        if declared_set != used:
            raise PromptError(
                f"{where}: declared variables {sorted(declared_set)} != used placeholders {sorted(used)}"
            )
    return PromptTemplate(
        task=task,
        version=version,
        sections=sections,
        description=str(meta.get("description", "")),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        path=path,
        section_variables=section_variables,
    )


class PromptLoader:
    """Finds, parses and caches prompt files; knows which version of each task is active."""

    def __init__(
        self, root: Path, versions: Mapping[str, str] | None = None, default_version: str = "v1"
    ) -> None:
        self.root = Path(root)
        self._versions = dict(versions or {})
        self._default_version = default_version
        self._cache: dict[tuple[str, str], PromptTemplate] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> PromptLoader:
        """Build from the root settings (``prompts_dir`` and the ``prompts`` section)."""
        return cls(settings.prompts_dir, settings.prompts.versions, settings.prompts.default_version)

    def tasks(self) -> list[str]:
        """Tasks that have at least one prompt file."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and any(p.glob(f"*{PROMPT_SUFFIX}")))

    def versions(self, task: str) -> list[str]:
        """Available versions of a task, in natural order (v1, v2, v10)."""
        folder = self.root / task
        if not folder.is_dir():
            return []
        return sorted((p.stem for p in folder.glob(f"*{PROMPT_SUFFIX}")), key=_natural_key)

    def active_version(self, task: str) -> str:
        """The version selected by the settings for ``task``."""
        return self._versions.get(task, self._default_version)

    def load(self, task: str, version: str | None = None) -> PromptTemplate:
        """The template of ``task`` at ``version`` (default: the active one)."""
        version = version or self.active_version(task)
        if not _NAME_RE.match(task) or not _VERSION_RE.match(version):
            raise PromptNotFound(f"invalid prompt task/version {task!r}/{version!r}")
        key = (task, version)
        if key not in self._cache:
            path = self.root / task / f"{version}{PROMPT_SUFFIX}"
            if not path.is_file():
                raise PromptNotFound(
                    f"no prompt file {path}; available versions of {task!r}: {self.versions(task) or 'none'}"
                )
            self._cache[key] = parse_prompt(
                path.read_text(encoding="utf-8"), task=task, version=version, path=path
            )
        return self._cache[key]

    def check_all(self) -> list[PromptTemplate]:
        """Parse every prompt file (a start-up / CI lint) and make sure each active version exists."""
        templates = [self.load(task, version) for task in self.tasks() for version in self.versions(task)]
        for task in self.tasks():
            self.load(task)
        return templates
