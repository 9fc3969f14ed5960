"""Train the domain classifier on the labelled titles (train + dev) and decontaminated dev texts.

    uv run python -m assistant.routing.train              # writes assistant/routing/data/domain_model.npz

Never fits or tunes on the titles' ``test`` split or the ``processed_test*`` texts. Steps:

1. Rows flagged ``test_overlap`` are dropped everywhere.
2. **Decontamination**: the texts of the ``processed_dev*`` files and the titles' test split come from two
   uploaders with unrelated splits, so about half of the test titles have their message *text* among the dev
   texts. A dev text is dropped when it is among the 10 texts that best contain a test title's character
   bigrams, or contains ≥ 50 % of them (test titles are used only to exclude data, never to score a model).
   On the 1,842 full rows where title and text are both known, this catches ~92 % of the true pairs.
3. The regularisation ``C`` is chosen on the titles' dev split (model fitted on the train split only, with the
   texts decontaminated against dev *and* test titles); the softmax temperature is chosen on the same split.
4. The final model is fitted on train + dev titles plus the decontaminated dev texts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.routing.domain import MODEL_PATH, DomainModel, fit

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "data"
C_GRID = (0.3, 0.5, 1.0)
T_GRID = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0)
TEXT_CHARS = 400


def read(name: str) -> list[dict[str, Any]]:
    """Rows of a shipped corpus file."""
    with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[a-z]\d{0,2}(?:市|区|县)|西地省|\W", "", text)


def linked_texts(titles: Sequence[str], texts: Sequence[str], top: int = 10, share: float = 0.5) -> set[int]:
    """Indices of texts that probably belong to one of ``titles`` (bigram containment)."""
    from sklearn.feature_extraction.text import CountVectorizer

    if not titles or not texts:
        return set()
    vec = CountVectorizer(analyzer="char", ngram_range=(2, 2), binary=True)
    vec.fit([_key(t) for t in texts] + [_key(t) for t in titles])
    a = vec.transform([_key(t) for t in titles])
    b = vec.transform([_key(t) for t in texts])
    overlap = (a @ b.T).tocsr()
    lengths = np.maximum(np.asarray(a.sum(axis=1)).ravel(), 1)
    linked: set[int] = set()
    for i in range(overlap.shape[0]):
        row = overlap.getrow(i)
        if row.nnz == 0:
            continue
        cols, vals = row.indices, row.data / lengths[i]
        order = np.argsort(-vals)[:top]
        linked.update(int(cols[j]) for j in order)
        linked.update(int(c) for c, v in zip(cols, vals, strict=True) if v >= share)
    return linked


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-averaged F1 over the gold classes."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, average="macro"))


def temperature(model: DomainModel, texts: Sequence[str], gold: Sequence[str]) -> float:
    """Softmax temperature with the lowest negative log-likelihood on ``texts``."""
    scores = np.asarray([model.scores(t) for t in texts])
    index = {c: i for i, c in enumerate(model.classes)}
    y = np.asarray([index[g] for g in gold])
    best, best_nll = 1.0, float("inf")
    for t in T_GRID:
        z = scores * t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = float(-logp[np.arange(len(y)), y].mean())
        if nll < best_nll:
            best, best_nll = t, nll
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the routing domain classifier")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)

    titles = [r for r in read("labelled_titles") if not r["test_overlap"]]
    texts = [r for r in read("labelled_texts") if r["split"] == "dev" and not r["test_overlap"]]
    train = [r for r in titles if r["split"] == "train"]
    dev = [r for r in titles if r["split"] == "dev"]
    test_titles = [r["title"] for r in read("labelled_titles") if r["split"] == "test"]
    text_bodies = [r["text"] for r in texts]
    drop_test = linked_texts(test_titles, text_bodies)
    drop_dev = linked_texts([r["title"] for r in dev], text_bodies)
    print(f"dev texts {len(texts)}: {len(drop_test)} linked to test titles, {len(drop_dev)} to dev titles")

    def extra(drop: set[int]) -> tuple[list[str], list[str]]:
        kept = [r for i, r in enumerate(texts) if i not in drop]
        return [r["text"][:TEXT_CHARS] for r in kept], [r["label"] for r in kept]

    # 1. choose C on the titles' dev split
    ex_texts, ex_labels = extra(drop_test | drop_dev)
    best_c, best_f1, chosen = C_GRID[0], -1.0, None
    for c in C_GRID:
        model = fit([r["title"] for r in train] + ex_texts, [r["label"] for r in train] + ex_labels, c=c)
        f1 = macro_f1([r["label"] for r in dev], model.predict_labels([r["title"] for r in dev]))
        print(f"C={c}: dev macro-F1 {f1:.4f}")
        if f1 > best_f1:
            best_c, best_f1, chosen = c, f1, model
    assert chosen is not None
    temp = temperature(chosen, [r["title"] for r in dev], [r["label"] for r in dev])
    print(f"chosen C={best_c} (dev macro-F1 {best_f1:.4f}), temperature {temp}")

    # 2. final fit on train + dev titles + texts not linked to test titles
    ex_texts, ex_labels = extra(drop_test)
    final = fit(
        [r["title"] for r in train + dev] + ex_texts, [r["label"] for r in train + dev] + ex_labels, c=best_c
    )
    final.temperature = temp
    final.info.update({"dev_macro_f1": round(best_f1, 4), "n_texts": len(ex_texts)})
    final.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {len(final.vocab)} features)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
