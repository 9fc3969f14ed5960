"""Runs a named suite against a composition root and saves the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.errors import InputError
from evals.harness import Run, new_run, save_run
from evals.retrieval_suite import run_retrieval

SUITES = ("retrieval",)


def run_suite(container: Any, suite: str, dataset: str | None = None, modes: list[str] | None = None) -> Run:
    """Run ``suite`` and save it under the settings' runs folder."""
    if suite not in SUITES:
        raise InputError(f"未知的评测套件「{suite}」，可选：{'、'.join(SUITES)}", suite)
    container.ensure_index(progress=False)
    cases, config = run_retrieval(container.searcher, Path(dataset) if dataset else None, modes)
    config.update(container.config_snapshot())
    run = new_run(suite, config, cases)
    save_run(run, container.settings.runs_dir)
    return run
