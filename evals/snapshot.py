"""What a run was made with: backend, model, prompt versions, datasets with their SHA-256, code version, commit."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from evals.harness import file_sha256
from evals.suites import ROOT, SuiteSpec

DISTRIBUTION = "baixing-tian"


def git_state(root: Path = ROOT) -> dict[str, Any]:
    """``{"commit", "dirty"}`` of the checkout, or Nones when git or the repository is not there."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def code_version() -> str:
    """The installed package version (``0+unknown`` when not installed)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path.resolve())


def dataset_entries(spec: SuiteSpec, dataset: Path | None) -> list[dict[str, str]]:
    """Path and SHA-256 of every dataset file the run reads."""
    paths = [dataset] if dataset else list(spec.default_datasets)
    return [{"path": _relative(p), "sha256": file_sha256(p)} for p in paths if p.is_file()]


def prompt_entries(container: Any, spec: SuiteSpec) -> dict[str, dict[str, str | None]]:
    """Active version and file SHA-256 of each prompt the suite's model path uses."""
    out: dict[str, dict[str, str | None]] = {}
    for task in spec.tasks:
        version = container.settings.prompts.version_for(task)
        try:
            sha = container.llm_runner.prompts.load(task).sha256
        except Exception:  # a missing prompt only matters on the model path, which reports it itself
            sha = None
        out[task] = {"version": version, "sha256": sha}
    return out


def run_snapshot(container: Any, spec: SuiteSpec, dataset: Path | None, backend: str) -> dict[str, Any]:
    """The config snapshot saved with a run (no secrets)."""
    settings = container.settings
    return {
        "backend": backend,
        "model": settings.llm.model if backend != "offline" else None,
        "prompts": prompt_entries(container, spec),
        "datasets": dataset_entries(spec, dataset),
        "git": git_state(),
        "code_version": code_version(),
        "settings": container.config_snapshot(),
    }
