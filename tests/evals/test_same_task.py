"""What evaluators measure is what citizens get: the citizen page and ``baixing eval`` run the same task spec
with the same prompt version, and both record it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.review import LLMIdeaReview, ReviewSpec
from assistant.screening.models import LLMScreening
from assistant.settings import PromptSettings
from evals.runner import run_suite
from evals.suites import get_suite

ANSWER = LLMIdeaReview(screening=LLMScreening(in_scope=True, confidence=0.8, reason="属于面向公众的建议。"))


@pytest.mark.parametrize("version", ["v1", "v9"])
def test_citizen_page_and_eval_run_the_same_spec_and_prompt_version(
    container: Any, small_screening: Path, tmp_path: Path, version: str
) -> None:
    if version != "v1":  # a second prompt version, activated by setting, reaches both paths alike
        prompts = tmp_path / "prompts"
        for task_dir in (Path(__file__).resolve().parents[2] / "prompts").iterdir():
            if not task_dir.is_dir():
                continue
            (prompts / task_dir.name).mkdir(parents=True)
            for f in task_dir.iterdir():
                (prompts / task_dir.name / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
        source = prompts / "idea_review" / "v1.md"
        (prompts / "idea_review" / f"{version}.md").write_text(
            source.read_text(encoding="utf-8").replace("version: v1", f"version: {version}"), encoding="utf-8")
        settings = container.settings.model_copy(
            update={"prompts": PromptSettings(dir=prompts, versions={"idea_review": version})})
        container = type(container)(settings)
    container.llm_runner.backend.enqueue(*[ANSWER] * 17)

    review = container.citizen_workflow.review("建议在地铁站出口统一划定共享单车停放区，方便行人通行。")
    citizen_task, citizen_version = review.run.task, review.run.prompt_version

    run = run_suite(container, "screening", dataset=small_screening, actor=OP)
    assert get_suite("screening").tasks == (ReviewSpec.task,) == (citizen_task,)
    assert run.config["prompts"][citizen_task]["version"] == citizen_version == version
    assert {c.details["backend"] for c in run.cases} == {"fake"} and review.value.verdict.backend == "fake"
    sent = [call.messages for call in container.llm_runner.backend.calls]
    assert len(sent) == 17, "one model call per text on both paths"
    citizen_system = sent[0][0].content
    assert all(messages[0].content == citizen_system for messages in sent[1:]), "the same system prompt"
