"""Runs a named suite against a composition root, counts its model usage and saves the run (file + database)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError
from assistant.storage.enums import Role
from evals.harness import Run, new_run
from evals.snapshot import run_snapshot
from evals.store import RunStore
from evals.suites import SUITE_NAMES, RunOptions, get_suite

SUITES = SUITE_NAMES
BACKENDS = ("offline", "openai", "fake")
Progress = Callable[[float, str], None]
_RUN_LOCK = threading.Lock()


class UsageCounter:
    """A call recorder that sums tokens of the calls made on one thread, then passes each call on."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.thread = threading.get_ident()
        self.tokens_in = 0
        self.tokens_out = 0
        self.calls = 0

    def record(self, call: Any) -> None:
        if threading.get_ident() == self.thread:
            self.calls += 1
            self.tokens_in += int(call.tokens_in or 0)
            self.tokens_out += int(call.tokens_out or 0)
        if self.inner is not None:
            self.inner.record(call)

    def usage(self, wall_s: float) -> dict[str, float]:
        """The run's usage figures."""
        return {
            "llm_calls": float(self.calls),
            "tokens_in": float(self.tokens_in),
            "tokens_out": float(self.tokens_out),
            "wall_s": round(wall_s, 3),
        }


def prompt_versions(tasks: Sequence[str], values: Sequence[str] | None) -> dict[str, str]:
    """``--prompt-version`` values → {task: version}: ``v2`` applies to every task of the suite, ``draft=v2`` to one."""
    out: dict[str, str] = {}
    for value in values or []:
        task, sep, version = value.partition("=")
        if sep:
            out[task.strip()] = version.strip()
        else:
            out.update(dict.fromkeys(tasks, value.strip()))
    if any(not v for v in out.values()):
        raise InputError("提示词版本不能为空，例如 --prompt-version v2 或 --prompt-version draft=v2。", str(values))
    return out


def settings_for(
    settings: Any,
    *,
    backend: str | None = None,
    model: str | None = None,
    versions: dict[str, str] | None = None,
) -> Any:
    """A copy of ``settings`` with the run's backend, model and prompt versions."""
    if backend is not None and backend not in BACKENDS:
        raise InputError(f"未知的模型后端「{backend}」，可选：{'、'.join(BACKENDS)}", backend)
    llm_update: dict[str, Any] = {}
    if backend:
        llm_update["mode"] = backend
    if model:
        llm_update["model"] = model
    update: dict[str, Any] = {}
    if llm_update:
        update["llm"] = settings.llm.model_copy(update=llm_update)
    if versions:
        update["prompts"] = settings.prompts.model_copy(update={"versions": {**settings.prompts.versions, **versions}})
    return settings.model_copy(update=update) if update else settings


def container_for(
    container: Any,
    suite: str,
    *,
    backend: str | None = None,
    model: str | None = None,
    prompt_version: Sequence[str] | None = None,
) -> Any:
    """``container`` itself when nothing is overridden, else a new composition root with the overrides."""
    spec = get_suite(suite)
    versions = prompt_versions(spec.tasks, prompt_version)
    settings = container.settings
    if backend in (None, settings.llm.mode) and model in (None, "", settings.llm.model) and not versions:
        return container
    from assistant.container import Container

    return Container(settings_for(settings, backend=backend, model=model or None, versions=versions))


def run_suite(
    container: Any,
    suite: str,
    dataset: str | Path | None = None,
    modes: list[str] | None = None,
    *,
    actor: UserSession | None,
    progress: Progress | None = None,
    save: bool = True,
) -> Run:
    """Run ``suite`` with the container's backend (evaluators only); save it under the runs folder and in the
    database."""
    who = require_role(actor, Role.EVALUATOR)
    spec = get_suite(suite)
    path = Path(dataset) if dataset else None
    if path is not None and not path.is_file():
        raise InputError(f"找不到评测数据集：{path}", "missing dataset")
    notify = progress or (lambda _f, _m: None)
    with _RUN_LOCK:
        notify(0.05, "正在准备服务……")
        runner = container.llm_runner if spec.uses_llm else None  # retrieval and domain never call a model
        backend = runner.mode if runner is not None else "offline"
        options = RunOptions(offline_only=backend == "offline", modes=modes)
        counter = UsageCounter(runner.recorder if runner is not None else None)
        if runner is not None:
            runner.recorder = counter
        start = time.perf_counter()
        try:
            notify(0.15, f"正在运行评测套件「{spec.title}」……")
            cases, config = spec.run(container, path, options)
        finally:
            if runner is not None:
                runner.recorder = counter.inner
        wall = time.perf_counter() - start
        notify(0.85, "正在保存运行记录……")
        config = {**config, **run_snapshot(container, spec, path, backend)}
        if modes:
            config["modes"] = list(modes)
        run = new_run(spec.name, config, cases, usage=counter.usage(wall))
        if save:
            RunStore.of(container).save(run, created_by=who.user_id)
        notify(1.0, "完成")
    return run
