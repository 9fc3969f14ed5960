"""Runs a named suite against a composition root and saves the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.errors import InputError
from evals.drafting_suite import run_drafting
from evals.harness import Run, new_run, save_run
from evals.retrieval_suite import run_retrieval
from evals.routing_suite import run_domain, run_routing
from evals.screening_suite import run_screening

SUITES = ("retrieval", "screening", "domain", "routing", "drafting")


def run_suite(container: Any, suite: str, dataset: str | None = None, modes: list[str] | None = None) -> Run:
    """Run ``suite`` and save it under the settings' runs folder."""
    if suite not in SUITES:
        raise InputError(f"未知的评测套件「{suite}」，可选：{'、'.join(SUITES)}", suite)
    path = Path(dataset) if dataset else None
    if suite == "screening":
        cases, config = run_screening(container.screening_service, path)
    elif suite in ("domain", "routing"):
        run = run_domain if suite == "domain" else run_routing
        cases, config = run(container.routing_service, path)
    elif suite == "drafting":
        cases, config = run_drafting(container.cultivation_service, path)
    else:
        container.ensure_index(progress=False)
        cases, config = run_retrieval(container.searcher, path, modes)
    config.update(container.config_snapshot())
    run = new_run(suite, config, cases)
    save_run(run, container.settings.runs_dir)
    return run
