"""The registry of evaluation suites: what each needs from a dataset, which metric decides pass/fail, which plots
fit it and how to run it against a composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cultivation.spec import DraftingSpec
from assistant.errors import InputError
from assistant.ratings import RatingSpec
from assistant.review import ReviewSpec
from evals.harness import CaseResult

if TYPE_CHECKING:
    from assistant.container import Container

SuiteRunner = Callable[["Container", Path | None, "RunOptions"], tuple[list[CaseResult], dict[str, Any]]]
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RunOptions:
    """Per-run choices a suite may honour."""

    offline_only: bool = True
    modes: list[str] | None = None


@dataclass(frozen=True)
class SuiteSpec:
    """One suite: its name, dataset fields, pass/fail metric, plots and runner."""

    name: str
    title: str
    fields: tuple[str, ...]
    primary: str
    run: SuiteRunner
    default_datasets: tuple[Path, ...]
    tasks: tuple[str, ...] = ()
    uses_llm: bool = False
    lower_is_better: frozenset[str] = frozenset()
    confusion: tuple[str, str] | None = None
    calibration: tuple[str, str] | None = None
    abstention: tuple[str, str] | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def passed(self, case: CaseResult) -> bool | None:
        """Pass/fail of a case by the primary metric (None when the case has no such metric)."""
        value = case.metrics.get(self.primary)
        return None if value is None else value >= 1.0 - 1e-9


def _retrieval(container: Container, dataset: Path | None, options: RunOptions) -> tuple[list[CaseResult], dict]:
    from evals.retrieval_suite import run_retrieval

    container.ensure_index(progress=False)
    return run_retrieval(container.searcher, dataset, options.modes)


def _screening(container: Container, dataset: Path | None, options: RunOptions) -> tuple[list[CaseResult], dict]:
    """The review task citizens get (routing not wanted), out of the audit log."""
    from evals.screening_suite import run_screening

    reviewer = container.review_service
    return run_screening(lambda text: reviewer.review(text, routing="never", offline_only=options.offline_only,
                                                      audit=False).value.verdict, dataset)


def _domain(container: Container, dataset: Path | None, options: RunOptions) -> tuple[list[CaseResult], dict]:
    from evals.routing_suite import run_domain

    return run_domain(container.review_service.router.domain_model, dataset)


def _routing(container: Container, dataset: Path | None, options: RunOptions) -> tuple[list[CaseResult], dict]:
    from evals.routing_suite import run_routing

    return run_routing(container.review_service, dataset, offline_only=options.offline_only)


def _drafting(container: Container, dataset: Path | None, options: RunOptions) -> tuple[list[CaseResult], dict]:
    from evals.drafting_suite import run_drafting

    return run_drafting(container.cultivation_service, container.review_service, dataset,
                        offline_only=options.offline_only)


def _quality(container: Container, dataset: Path | None, options: RunOptions) -> tuple[list[CaseResult], dict]:
    from evals.quality_suite import run_quality

    return run_quality(None if options.offline_only else container.tasks, dataset)


_CORPUS = ROOT / "corpus" / "data"
SUITES: dict[str, SuiteSpec] = {
    spec.name: spec
    for spec in (
        SuiteSpec(
            name="retrieval",
            title="检索",
            fields=("query", "relevant"),
            primary="hit@1",
            run=_retrieval,
            default_datasets=(ROOT / "evals/retrieval/near_duplicates.jsonl", ROOT / "evals/retrieval/queries.jsonl"),
            notes={"kinds": "可选：只检索这些类型（item/policy/proposal）", "exclude": "可选：不计入排名的文档 id"},
        ),
        SuiteSpec(
            name="screening",
            title="范围筛查",
            fields=("text", "in_scope"),
            primary="exact",
            run=_screening,
            default_datasets=(ROOT / "evals/screening/data/dev.jsonl", ROOT / "evals/screening/data/test.jsonl"),
            tasks=(ReviewSpec.task,),
            uses_llm=True,
            lower_is_better=frozenset({"false_reject"}),
            confusion=("gold", "predicted"),
            calibration=("confidence", "accuracy"),
            abstention=("confidence", "accuracy"),
            notes={"category": "范围外时的类别（个人问题、民事纠纷……）", "source": "可选：来源，报告按来源分列"},
        ),
        SuiteSpec(
            name="domain",
            title="领域分类",
            fields=("text", "label"),
            primary="accuracy",
            run=_domain,
            default_datasets=(_CORPUS / "labelled_titles.jsonl.gz", _CORPUS / "labelled_texts.jsonl.gz"),
            confusion=("gold", "predicted"),
        ),
        SuiteSpec(
            name="routing",
            title="分办",
            fields=("text", "acceptable_units"),
            primary="top1",
            run=_routing,
            default_datasets=(ROOT / "evals/routing/dev.jsonl", ROOT / "evals/routing/test.jsonl"),
            tasks=(ReviewSpec.task,),
            uses_llm=True,
            lower_is_better=frozenset({"abstain"}),
            confusion=("gold_domain", "domain"),
            calibration=("confidence", "domain"),
            abstention=("top_score", "top1"),
            notes={"domain": "可选：标注的领域（计算 domain 指标）"},
        ),
        SuiteSpec(
            name="drafting",
            title="提案起草",
            fields=("text",),
            primary="compliant",
            run=_drafting,
            default_datasets=(ROOT / "evals/drafting/ideas.jsonl",),
            tasks=(DraftingSpec.task,),
            uses_llm=True,
            notes={"source": "可选：分组名（citizen/message）"},
        ),
        SuiteSpec(
            name="quality",
            title="提案质量评分",
            fields=("proposal|a",),
            primary="pairwise_correct",
            run=_quality,
            default_datasets=(ROOT / "evals/quality/pairs.jsonl",),
            tasks=(RatingSpec.task,),
            uses_llm=True,
            confusion=("gold", "predicted"),
            notes={
                "a, b, preferred": "成对：两份提案和应胜出的一方（a 或 b）",
                "proposal, band": "单份：提案和人工评定的等级（优/良/中/差）",
            },
        ),
    )
}
SUITE_NAMES: tuple[str, ...] = tuple(SUITES)


def get_suite(name: str) -> SuiteSpec:
    """The spec of a suite; InputError with the choices when unknown."""
    try:
        return SUITES[name]
    except KeyError:
        raise InputError(f"未知的评测套件「{name}」，可选：{'、'.join(SUITE_NAMES)}", name) from None
