"""Prompt loader: versions, listing, missing/extra variables, malformed files, settings selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm.errors import PromptError, PromptNotFound, PromptVariableError
from assistant.llm.prompts import PromptLoader
from assistant.settings import PromptSettings, test_settings


def write(root: Path, task: str, version: str, text: str) -> None:
    (root / task).mkdir(parents=True, exist_ok=True)
    (root / task / f"{version}.md").write_text(text, encoding="utf-8")


SIMPLE = """---
task: greet
version: {version}
variables: [name, place]
---
=== system ===
你好，{{place}}。
=== user ===
我是 {{name}}，{{{{literal}}}}。
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for version in ("v1", "v2", "v10"):
        write(tmp_path, "greet", version, SIMPLE.format(version=version))
    return tmp_path


def test_lists_tasks_and_versions_in_natural_order(root: Path) -> None:
    loader = PromptLoader(root)
    assert loader.tasks() == ["greet"]
    assert loader.versions("greet") == ["v1", "v2", "v10"]
    assert loader.versions("nope") == []


def test_renders_system_and_user_with_literal_braces(root: Path) -> None:
    messages = PromptLoader(root).load("greet").render_messages({"name": "甲", "place": "广州"})
    assert [m.role for m in messages] == ["system", "user"]
    assert messages[0].content == "你好，广州。"
    assert messages[1].content == "我是 甲，{literal}。"


def test_missing_variable_fails(root: Path) -> None:
    with pytest.raises(PromptVariableError, match=r"missing=\['place'\]"):
        PromptLoader(root).load("greet").render_messages({"name": "甲"})


def test_extra_variable_fails(root: Path) -> None:
    with pytest.raises(PromptVariableError, match=r"extra=\['mood'\]"):
        PromptLoader(root).load("greet").render_messages({"name": "甲", "place": "x", "mood": "好"})


def test_active_version_comes_from_settings(root: Path, tmp_path: Path) -> None:
    settings = test_settings(
        tmp_path, prompts=PromptSettings(dir=root, versions={"greet": "v2"}, default_version="v1")
    )
    loader = PromptLoader.from_settings(settings)
    assert loader.active_version("greet") == "v2"
    assert loader.load("greet").version == "v2"
    assert loader.active_version("other") == "v1"


def test_missing_version_is_a_loud_typed_error(root: Path) -> None:
    with pytest.raises(PromptNotFound, match=r"'v1', 'v2', 'v10'") as info:
        PromptLoader(root).load("greet", "v3")
    assert info.value.user_message  # Chinese message for the UI
    with pytest.raises(PromptNotFound):
        PromptLoader(root).load("../etc", "v1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter\n=== user ===\nx", "front matter"),
        ("---\nvariables: [a]\n---\n=== user ===\nhello", "declared variables"),
        ("---\n---\n=== user ===\n{a.b}", "plain lowercase identifier"),
        ("---\n---\n=== user ===\n{unclosed", "brace"),
        ("---\n---\nstray text\n=== user ===\nx", "before the first"),
        ("---\n---\n=== system ===\nx", "needs a 'user'"),
        ("---\ntask: other\n---\n=== user ===\nx", "file path says"),
        ("---\n---\n=== user ===\nx\n=== user ===\ny", "twice"),
    ],
)
def test_malformed_files_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "bad", "v1", text)
    with pytest.raises(PromptError, match=message):
        PromptLoader(tmp_path).load("bad")


def test_shipped_prompts_parse_and_declare_their_variables(prompts: PromptLoader) -> None:
    templates = {(t.task, t.version): t for t in prompts.check_all()}
    assert templates[("idea_analysis", "v1")].variables == {"idea", "domains", "units"}
    assert templates[("draft", "v1")].variables == {"idea", "domain", "units", "references"}
    guard = templates[("guard", "v1")]
    assert set(guard.sections) == {"system_clause", "retry"}
    assert "<citizen_text>" in guard.sections["system_clause"]


def test_prompt_versions_can_be_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import Settings

    monkeypatch.setenv("BAIXING_PROMPTS__VERSIONS", '{"idea_analysis": "v2"}')
    assert Settings().prompts.version_for("idea_analysis") == "v2"
    assert Settings().prompts.version_for("draft") == "v1"
