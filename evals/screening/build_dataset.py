"""Build the labelled screening splits (train/dev/test JSONL) from the label sources.

Sources (all under ``evals/screening/sources/``):

* ``teddy_labels.tsv`` — real Teddy-Cup messages (``corpus/data/items.jsonl.gz``) labelled by reading them;
* ``written_pool_a.txt`` — ideas written in citizens' voices for train/dev;
* ``written_pool_b.txt`` — ideas written separately for the test split (other scenarios, not paraphrases).

Split rules: Teddy messages are grouped by near-duplicate text (char 4-gram Jaccard ≥ 0.5) and a group goes
to one split by a hash of its smallest message id (70/15/15); pool A goes 80/20 to train/dev by a hash of the
text; pool B is the written part of the test split. Re-running gives byte-identical files.

    uv run python -m evals.screening.build_dataset
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from assistant.settings import REPO_ROOT

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DATA = HERE / "data"
ITEMS = REPO_ROOT / "corpus" / "data" / "items.jsonl.gz"
IN_SCOPE_LABEL = "范围内"
MAX_CHARS = 1200


def _bucket(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100


def _grams(text: str) -> set[str]:
    return {text[i : i + 4] for i in range(max(1, len(text) - 3))}


def _record(case_id: str, text: str, label: str, source: str, note: str) -> dict[str, object]:
    in_scope = label == IN_SCOPE_LABEL
    return {
        "id": case_id,
        "text": text,
        "in_scope": in_scope,
        "category": None if in_scope else label,
        "source": source,
        "note": note,
    }


def teddy_records() -> dict[str, list[dict[str, object]]]:
    """Labelled Teddy messages, split by near-duplicate group."""
    labels: dict[int, str] = {}
    for line in (SOURCES / "teddy_labels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        msg_id, label = line.split("\t")
        labels[int(msg_id)] = label
    with gzip.open(ITEMS, "rt", encoding="utf-8") as handle:
        items = {r["msg_id"]: r for r in map(json.loads, handle) if r["msg_id"] in labels}
    missing = sorted(set(labels) - set(items))
    if missing:
        raise SystemExit(f"labelled messages not in the shipped corpus: {missing[:10]}")
    texts = {m: f"{items[m]['title']}\n{items[m]['text']}"[:MAX_CHARS] for m in sorted(labels)}
    grams = {m: _grams(t) for m, t in texts.items()}
    parent = {m: m for m in texts}

    def find(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    ids = sorted(texts)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            union = len(grams[a] | grams[b])
            if union and len(grams[a] & grams[b]) / union >= 0.5:
                parent[find(b)] = find(a)
    splits: dict[str, list[dict[str, object]]] = {"train": [], "dev": [], "test": []}
    for m in ids:
        bucket = _bucket(f"teddy:{find(m)}")
        split = "train" if bucket < 70 else "dev" if bucket < 85 else "test"
        splits[split].append(_record(f"teddy-{m}", texts[m], labels[m], f"teddy:{m}", ""))
    return splits


def written_records(path: Path, prefix: str) -> list[tuple[dict[str, object], int]]:
    """(record, bucket) for every ``label|note|text`` line of a written pool."""
    out: list[tuple[dict[str, object], int]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        label, note, text = line.split("|", 2)
        if text in seen:
            raise SystemExit(f"{path.name}:{number}: duplicate text")
        seen.add(text)
        out.append((_record(f"{prefix}-{number:03d}", text, label, "written", note), _bucket(text)))
    return out


def build() -> dict[str, list[dict[str, object]]]:
    """All three splits."""
    splits = teddy_records()
    for record, bucket in written_records(SOURCES / "written_pool_a.txt", "wa"):
        splits["train" if bucket < 80 else "dev"].append(record)
    for record, _ in written_records(SOURCES / "written_pool_b.txt", "wb"):
        splits["test"].append(record)
    return splits


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for split, records in build().items():
        records.sort(key=lambda r: str(r["id"]))
        with (DATA / f"{split}.jsonl").open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        print(f"{split}: {len(records)}")


if __name__ == "__main__":
    main()
