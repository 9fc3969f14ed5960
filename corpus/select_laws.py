"""Choose which laws the shipped policy corpus keeps: those past citizen messages are about.

    uv run python corpus/select_laws.py [--shared PATH] [--votes 3]

Every candidate law (all that ``corpus/build.py`` selects by category) is embedded by its title with the
offline e5 model; every past item votes for the 5 laws whose titles are nearest to its passage vector
(title + head of the text, from ``corpus/data/vectors-e5.npz``). A national law is kept when it got at least
``--votes`` votes (other cities' regulations too), and so are a law's 实施条例/实施细则 and the law of a kept
implementing regulation; 广东省 and 广州 regulations, 宪法, 民法典, four framework laws (教育法, 学前教育法,
城市房地产管理法, 治安管理处罚法: the votes go to their more specific neighbours), 民事诉讼法 and 行政复议法 (where
screening sends personal disputes) and 慈善法,
the 信访 regulations, the 百姓提案 scheme and laws referenced by ``evals/retrieval/queries.jsonl`` are always kept.
The laws left out are written to ``corpus/policy_laws_dropped.txt`` (law_id, then the title and votes as a
comment), which ``corpus/build.py`` reads. Deterministic for the same inputs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parent
REPO = CORPUS.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(CORPUS))

import build  # noqa: E402

from retrieval.embeddings import E5Embeddings  # noqa: E402
from retrieval.shipped_vectors import VECTORS_FILE, ShippedVectors, dequantise  # noqa: E402

LIST_FILE = CORPUS / "policy_laws_dropped.txt"
ALWAYS_TITLES = re.compile(
    r"^中华人民共和国宪法$|民法典|信访|12345"
    r"|^中华人民共和国(教育法|学前教育法|城市房地产管理法|治安管理处罚法)$"  # framework laws the votes under-count
    r"|^中华人民共和国(民事诉讼法|行政复议法|慈善法)$"  # routes for personal disputes (scope screening); 公益
)
TOP_LAWS_PER_ITEM = 5
COMPANION = re.compile(r"(实施条例|实施细则|实施办法)$")


def referenced_laws() -> set[str]:
    """law_ids that the eval sets point at."""
    found: set[str] = set()
    for path in (REPO / "evals" / "retrieval").glob("*.jsonl"):
        found.update(re.findall(r"law:([0-9a-z-]+)#", path.read_text(encoding="utf-8")))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=build.DEFAULT_SHARED)
    parser.add_argument("--votes", type=int, default=3, help="votes a national law needs to be kept")
    args = parser.parse_args(argv)

    schemes = sorted((args.shared / "seeds").glob("000_*.txt"))
    records, _ = build.build_policies(args.shared / build.LAWS, schemes[0] if schemes else None)
    laws: dict[str, dict] = {}
    articles: Counter[str] = Counter()
    for rec in records:
        laws.setdefault(rec["law_id"], rec)
        articles[rec["law_id"]] += 1
    law_ids = sorted(laws)

    shipped = ShippedVectors.load(CORPUS / "data" / VECTORS_FILE)
    rows = [i for i, d in enumerate(shipped.doc_ids.tolist()) if d.startswith("item-")]
    items = dequantise(shipped.codes[rows], shipped.scales[rows])
    titles = E5Embeddings().embed_array([laws[i]["title"] for i in law_ids])
    sims = items @ titles.T
    top = np.argsort(-sims, axis=1, kind="stable")[:, :TOP_LAWS_PER_ITEM]
    votes: Counter[str] = Counter(law_ids[j] for row in top for j in row)

    referenced = referenced_laws()
    kept: dict[str, str] = {}
    for law_id in law_ids:
        rec = laws[law_id]
        if rec["region"] in ("广东", "广州") or law_id == build.SCHEME_LAW_ID:
            kept[law_id] = "guangdong"
        elif ALWAYS_TITLES.search(rec["title"]):
            kept[law_id] = "always"
        elif law_id in referenced:
            kept[law_id] = "eval"
        elif votes[law_id] >= args.votes:
            kept[law_id] = f"votes={votes[law_id]}"
    by_title = {laws[i]["title"]: i for i in law_ids}
    for law_id in law_ids:  # an implementing regulation goes with its law, and the law with it
        parent = by_title.get(COMPANION.sub("", laws[law_id]["title"]))
        if parent and parent != law_id and (parent in kept) != (law_id in kept):
            kept.setdefault(law_id, "companion")
            kept.setdefault(parent, "companion")
    reasons = defaultdict(int)
    for law_id, why in kept.items():
        reasons[why.split("=")[0]] += articles[law_id]
    total = sum(articles[i] for i in kept)
    print(
        f"{len(kept)} of {len(law_ids)} laws, {total} of {sum(articles.values())} articles; by reason {dict(reasons)}"
    )
    lines = ["# Laws left out of corpus/data/policies.jsonl.gz: no past message is about them (corpus/select_laws.py)"]
    lines += ["# law_id  # title (votes, articles)"]
    lines += [
        f"{law_id}  # {laws[law_id]['title']} ({votes[law_id]} votes, {articles[law_id]} articles)"
        for law_id in law_ids
        if law_id not in kept
    ]
    LIST_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
