"""Agreement of the offline channel model, clue grading and 上下联动 flag with the staff labels in ``labels.tsv``.

Texts are real Teddy Cup messages (``corpus/data/labelled_full.jsonl.gz``, rows outside the titles test split),
title and text joined as the staff import joins them. The dev half was used to adjust the weights in
``corpus/catalogues/scheme.yaml``; the holdout half is for reporting only.

    uv run python -m evals.scheme.agreement            # prints the tables for docs/scheme.md
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.routing.catalogue import load_catalogue
from assistant.routing.engine import OfflineRouter
from assistant.scheme.grading import suggest_grade
from assistant.screening.engine import OfflineScreener
from assistant.settings import REPO_ROOT, Settings

LABELS = Path(__file__).with_name("labels.tsv")
TEXTS = REPO_ROOT / "corpus" / "data" / "labelled_full.jsonl.gz"
CHANNELS = ("深化培育", "重要协商成果“直通车”", "摘编社情民意信息")
SHORT = {"深化培育": "深化培育", "直通车": "重要协商成果“直通车”", "社情民意": "摘编社情民意信息"}


@dataclass(frozen=True)
class Case:
    """One labelled idea and what the offline engines said."""

    msg_id: int
    split: str
    grade: str
    channel: str | None
    linkage: str | None
    got_grade: str
    got_channel: str
    got_linkage: str | None


def load_labels(path: Path = LABELS) -> list[dict[str, str]]:
    """The label rows."""
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def load_texts(ids: set[int]) -> dict[int, str]:
    """Title + text of the labelled messages."""
    out: dict[int, str] = {}
    with gzip.open(TEXTS, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["msg_id"] in ids:
                out[row["msg_id"]] = f"{row['title']}\n{row['text']}"
    return out


def engines(settings: Settings | None = None) -> tuple[OfflineScreener, OfflineRouter]:
    """The shipped screening and routing engines (the router's votes over the shipped past items)."""
    s = settings or Settings(data_dir=Path("/tmp/baixing-scheme-eval"))
    screener = OfflineScreener.load(s.models_dir / "screening.json.gz", s.catalogues_dir)
    router = OfflineRouter.load(load_catalogue(s.catalogues_dir), models_dir=s.models_dir, items_path=s.items_path,
                                taxonomy_path=s.taxonomy_path, cache_dir=s.cache_dir, catalogues_dir=s.catalogues_dir)
    return screener, router


def run(labels: list[dict[str, str]] | None = None) -> list[Case]:
    """Every labelled idea through screening, routing (channel, linkage) and grading."""
    rows = labels or load_labels()
    texts = load_texts({int(r["msg_id"]) for r in rows})
    screener, router = engines()
    cases = []
    for r in rows:
        text = texts[int(r["msg_id"])]
        verdict = screener.screen(text)
        decision = router.route(text, verdict)
        key = next((c.key for c in router.advisor.catalogue.channels if c.name == decision.channel), None)
        grade = suggest_grade(in_scope=verdict.in_scope, category=verdict.category,
                              redirect=verdict.redirect.channel if verdict.redirect else None,
                              channel_key=key, channel=decision.channel)
        cases.append(Case(
            msg_id=int(r["msg_id"]), split=r["split"], grade=r["grade"],
            channel=SHORT.get(r["channel"]) if r["channel"] != "-" else None,
            linkage=r["linkage"] if r["linkage"] != "-" else None,
            got_grade=grade.grade, got_channel=decision.channel, got_linkage=decision.linkage,
        ))
    return cases


def kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of (label, prediction) pairs."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right.get(k, 0) for k in left) / (n * n)
    return None if expected >= 1 else (observed - expected) / (1 - expected)


def summary(cases: list[Case]) -> dict[str, Any]:
    """Agreement figures per split and overall."""
    out: dict[str, Any] = {}
    for split in ("dev", "holdout", "all"):
        part = [c for c in cases if split == "all" or c.split == split]
        chan = [(c.channel, c.got_channel) for c in part if c.channel]
        grade = [(c.grade, c.got_grade) for c in part]
        flagged = [c for c in part if c.got_linkage in ("national", "provincial")]
        wanted = [c for c in part if c.linkage in ("national", "provincial")]
        out[split] = {
            "ideas": len(part),
            "channel_n": len(chan),
            "channel_agree": sum(a == b for a, b in chan),
            "channel_always_cultivate": sum(a == "深化培育" for a, _ in chan),
            "channel_kappa": kappa([(str(a), b) for a, b in chan]),
            "grade_agree": sum(a == b for a, b in grade),
            "grade_kappa": kappa(grade),
            "linkage_flagged": len(flagged),
            "linkage_flagged_right": sum(1 for c in flagged if c.linkage in ("national", "provincial")),
            "linkage_wanted": len(wanted),
            "linkage_found": sum(1 for c in wanted if c.got_linkage in ("national", "provincial")),
            "channel_confusion": Counter(f"{a} → {b}" for a, b in chan),
        }
    return out


def main() -> int:
    """Print the agreement tables."""
    cases = run()
    for split, figures in summary(cases).items():
        print(f"== {split}: {figures['ideas']} ideas")
        n = figures["channel_n"]
        print(f"channel: {figures['channel_agree']}/{n} = {figures['channel_agree'] / max(n, 1):.1%}, "
              f"kappa {figures['channel_kappa']}; always 深化培育: {figures['channel_always_cultivate']}/{n}")
        print(f"grade: {figures['grade_agree']}/{figures['ideas']} = {figures['grade_agree'] / figures['ideas']:.1%}, "
              f"kappa {figures['grade_kappa']}")
        print(f"linkage (national/provincial): flagged {figures['linkage_flagged']}, right "
              f"{figures['linkage_flagged_right']}; labelled {figures['linkage_wanted']}, found "
              f"{figures['linkage_found']}")
        for pair, count in sorted(figures["channel_confusion"].items()):
            print(f"   {pair}: {count}")
    if "--cases" in sys.argv:
        for c in cases:
            if c.channel and c.channel != c.got_channel and c.split == "dev":
                print(c)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
