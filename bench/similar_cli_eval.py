"""Score held-back paraphrases through the command the issue is re-measured with: ``baixing similar --jsonl``.

    BAIXING_DATA_DIR=DIR uv run python bench/similar_cli_eval.py [--split report|tune|all]

Feeds ``{"id","text"}`` lines to the CLI (one child process, k = 10, default settings) and prints hit@1, hit@5
and MRR@10 over the paraphrases of the split.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SET = REPO / "evals" / "retrieval" / "paraphrases.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="report", choices=["report", "tune", "all"])
    args = parser.parse_args(argv)
    cases = [json.loads(x) for x in SET.read_text(encoding="utf-8").splitlines() if x.strip()]
    cases = [c for c in cases if args.split == "all" or c["split"] == args.split]
    stdin = "".join(json.dumps({"id": c["id"], "text": c["query"]}, ensure_ascii=False) + "\n" for c in cases)
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "similar", "--jsonl", "-k", "10"],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    results = {r["id"]: [h["doc_id"] for h in r["hits"]] for r in map(json.loads, out.splitlines())}
    h1 = h5 = mrr = 0.0
    for case in cases:
        ranked = results[case["id"]]
        first = next((i for i, d in enumerate(ranked, 1) if d in set(case["relevant"])), None)
        h1 += first == 1
        h5 += first is not None and first <= 5
        mrr += 1 / first if first else 0.0
    n = len(cases)
    print(
        json.dumps(
            {
                "split": args.split,
                "n": n,
                "hit@1": round(h1 / n, 3),
                "hit@5": round(h5 / n, 3),
                "mrr@10": round(mrr / n, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
