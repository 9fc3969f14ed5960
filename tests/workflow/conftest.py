"""Workflow fixtures: a container over a copy of the indexed mini data dir (offline engines), one member."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import UserSession
from assistant.settings import LLMSettings, test_settings
from assistant.storage.enums import Role
from assistant.workflow import CitizenWorkflow, MemberWorkflow


@pytest.fixture(scope="module")
def wf_container(tmp_path_factory: pytest.TempPathFactory, indexed_data_dir: Path, mini_corpus: Path) -> Any:
    """One container per module over a private copy of the indexed data dir."""
    from assistant.container import Container

    data_dir = tmp_path_factory.mktemp("workflow") / "var"
    shutil.copytree(indexed_data_dir, data_dir)
    return Container(test_settings(data_dir, corpus_dir=mini_corpus, llm=LLMSettings(mode="offline")))


@pytest.fixture(scope="module")
def citizen_wf(wf_container: Any) -> CitizenWorkflow:
    return wf_container.citizen_workflow


@pytest.fixture(scope="module")
def member_wf(wf_container: Any) -> MemberWorkflow:
    return wf_container.member_workflow


@pytest.fixture(scope="module")
def member(wf_container: Any) -> UserSession:
    return wf_container.accounts.create("weiyuan", "王委员", Role.MEMBER, "member-pass-1")


@pytest.fixture(scope="module")
def staff(wf_container: Any) -> UserSession:
    return wf_container.accounts.create("gongzuo", "李工作", Role.STAFF, "staff-pass-1")
