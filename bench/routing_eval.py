"""Routing figures for docs/routing.md: every routing set in both forms (single ideas with e5 / the batch form),
and the domain classifier on the Teddy sets in both forms.

    uv run python bench/routing_eval.py [--sets dev citizen_dev ...] [--domain]

Single ideas go through the review task as citizens get it (``IdeaReviewService.review``, offline); the batch form
through ``review_many`` (what ``baixing route --jsonl`` and staff imports run). The test sets are for reporting:
nothing was chosen on them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant.routing.engine import OfflineRouter
from evals.routing_suite import ROUTING_SETS, run_domain, run_routing
from tests.support import review_service, shipped_router, shipped_screener

METRICS = ("top1", "top3", "committee", "abstain", "answered_top1", "domain")


def mean(cases: list, key: str) -> str:
    values = [c.metrics[key] for c in cases if key in c.metrics]
    return f"{sum(values) / len(values):.3f}" if values else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="*", default=list(ROUTING_SETS))
    parser.add_argument("--domain", action="store_true", help="also the Teddy titles/texts test sets")
    parser.add_argument("--cache-dir", type=Path, default=Path("var/cache"))
    args = parser.parse_args()
    router: OfflineRouter = shipped_router(cache_dir=args.cache_dir)
    service = review_service(shipped_screener(), router)
    print("| set | form | n | " + " | ".join(METRICS) + " | ms/idea |")
    print("|---|---|---|" + "---|" * (len(METRICS) + 1))
    for name in args.sets:
        for batch in (False, True):
            start = time.perf_counter()
            cases, _ = run_routing(service, ROUTING_SETS[name], batch=batch)
            ms = (time.perf_counter() - start) * 1000 / max(len(cases), 1)
            form = "batch" if batch else "single (e5)"
            print(f"| {name} | {form} | {len(cases)} | " + " | ".join(mean(cases, k) for k in METRICS)
                  + f" | {ms:.1f} |", flush=True)
    if args.domain:
        for label, model in (("single (e5)", router), ("batch (n-gram)", router.domain_model)):
            _, config = run_domain(model)
            for group, summary in config["summary"].items():
                print(f"domain {group} {label}: accuracy {summary['accuracy']}, macro-F1 {summary['macro_f1']}",
                      flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
