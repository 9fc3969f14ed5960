"""The routing eval suites produce harness cases; the shipped eval sets are well formed."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.routing.catalogue import DOMAINS
from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from evals.harness import load_dataset
from evals.routing_suite import ROUTING_SETS, class_report, run_domain, run_routing
from tests.support import review_service, shipped_catalogue


def test_routing_sets_are_valid() -> None:
    names = set(shipped_catalogue().unit_names())
    cases = [c for path in ROUTING_SETS.values() for c in load_dataset(path)]
    assert len(cases) >= 150
    for case in cases:
        assert case["acceptable_units"] and set(case["acceptable_units"]) <= names
        assert case["domain"] in DOMAINS and case["text"] and case["source"]


def test_run_routing_and_domain_on_small_sets(screener: OfflineScreener, router: OfflineRouter, tmp_path: Path) -> None:
    service = review_service(screener, router)
    ideas = tmp_path / "mini.jsonl"
    ideas.write_text(json.dumps({"id": "x", "text": "建议在小区门口加设公交站点", "domain": "交通运输",
                                 "acceptable_units": ["广州市交通运输局"], "source": "test"}, ensure_ascii=False)
                     + "\n", encoding="utf-8")
    cases, _ = run_routing(service, ideas)
    assert cases[0].metrics["top1"] == 1.0 and cases[0].metrics["top3"] == 1.0
    labelled = tmp_path / "dom.jsonl"
    labelled.write_text(json.dumps({"id": "y", "text": "幼儿园学位不足", "label": "教育文体"}, ensure_ascii=False)
                        + "\n", encoding="utf-8")
    cases, config = run_domain(router.domain_model, labelled)
    assert cases[0].metrics["accuracy"] == 1.0 and config["summary"]["dom"]["macro_f1"] == 1.0


def test_class_report_macro_f1() -> None:
    report = class_report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report["accuracy"] == 0.75
    assert report["per_class"]["b"]["precision"] == round(2 / 3, 4)
