"""Train the screening model on the train split; choose its decision parameters on the dev split.

    uv run python tools/train_screening.py               # writes <models_dir>/screening.json.gz

Never reads the test split (it refuses a file named ``test``). Steps:

1. 5-fold cross-validation on **train** picks the cue scale and the regularisation of both stages (stage 1: best
   balanced accuracy at a threshold with false-reject ≤ 5 %; stage 2: best category accuracy on the
   out-of-scope examples).
2. Both stages are fitted on the whole train split.
3. On **dev**: the threshold (highest out-of-scope recall with false-reject ≤ 5 %, ties to the larger
   threshold), then the mixed-text cap and the cue weight for categories (best balanced accuracy, then
   category accuracy among caught out-of-scope texts).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.screening import cues as cue_lib
from assistant.screening.channels import load_channels
from assistant.screening.classifier import (
    Decision,
    Example,
    ScreeningModel,
    build_vocab,
    feature_matrix,
    fit,
    fit_category,
    fit_scope,
)
from assistant.screening.engine import Analysis, OfflineScreener
from assistant.screening.reframe import Reframer
from assistant.settings import REPO_ROOT, load_settings

DATA_DIR = REPO_ROOT / "evals" / "screening" / "data"
MAX_FALSE_REJECT = 0.05
THRESHOLDS = tuple(round(0.2 + 0.025 * i, 3) for i in range(29))  # 0.2 … 0.9
MIXED_CAPS = (0.0, 0.8, 0.9, 0.95, 1.0)  # 0.0 = never keep a mixed text in scope against the classifier
CUE_WEIGHTS = (0.0, 0.25, 0.5, 1.0)


def load_examples(path: Path) -> list[Example]:
    """Labelled examples of a split file, cues extracted."""
    if path.stem == "test":
        raise SystemExit("refusing to train or tune on the test split")
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text = row["text"]
        examples.append(
            Example(
                text=text,
                in_scope=bool(row["in_scope"]),
                category=row["category"],
                cues=tuple(cue_lib.extract(text)),
                general_suggestion=bool(cue_lib.general_suggestions(text)),
            )
        )
    return examples


@dataclass(frozen=True)
class Scores:
    """Dev metrics of one configuration."""

    accuracy: float
    oos_recall: float
    false_reject: float
    category_accuracy: float

    @property
    def balanced(self) -> float:
        return (self.oos_recall + 1.0 - self.false_reject) / 2


def score(screener: OfflineScreener, analyses: Sequence[Analysis], examples: Sequence[Example]) -> Scores:
    """Metrics of the screener's current parameters on pre-computed analyses."""
    correct = caught = caught_right = oos = in_scope = rejected = 0
    for analysis, example in zip(analyses, examples, strict=True):
        ok_in, category, _, _ = screener.decide(analysis)
        correct += ok_in == example.in_scope
        if example.in_scope:
            in_scope += 1
            rejected += not ok_in
        else:
            oos += 1
            if not ok_in:
                caught += 1
                caught_right += category == example.category
    return Scores(
        accuracy=correct / len(examples),
        oos_recall=caught / max(oos, 1),
        false_reject=rejected / max(in_scope, 1),
        category_accuracy=caught_right / max(caught, 1),
    )


def choose_threshold(screener: OfflineScreener, analyses: Sequence[Analysis], examples: Sequence[Example]) -> float:
    """Highest OOS recall with false-reject ≤ 5 % (else the lowest false-reject), ties to the larger threshold."""
    best: tuple[tuple[float, ...], float] | None = None
    for t in THRESHOLDS:
        screener.params = replace(screener.params, threshold=t)
        s = score(screener, analyses, examples)
        ok = s.false_reject <= MAX_FALSE_REJECT
        key = (ok, s.oos_recall if ok else -s.false_reject, s.accuracy, t)
        if best is None or key > best[0]:
            best = (key, t)
    assert best is not None
    return best[1]


@dataclass(frozen=True)
class Grid:
    """Hyper-parameters searched by cross-validation on the train split."""

    cue_scales: tuple[float, ...] = (0.125, 0.25, 0.5)
    c_scopes: tuple[float, ...] = (4.0, 16.0, 64.0)
    c_categories: tuple[float, ...] = (8.0, 32.0, 128.0)
    folds: int = 5


def _scope_objective(p_out: np.ndarray, out: np.ndarray) -> float:
    """Best balanced accuracy over thresholds with false-reject ≤ 5 % (else minus the lowest false reject)."""
    best = -1.0
    for t in THRESHOLDS:
        pred = p_out >= t
        fr = float(pred[out == 0].mean()) if (out == 0).any() else 0.0
        rec = float(pred[out == 1].mean()) if (out == 1).any() else 1.0
        value = (rec + 1.0 - fr) / 2 if fr <= MAX_FALSE_REJECT else -fr
        best = max(best, value)
    return best


def cross_validate(examples: Sequence[Example], grid: Grid, verbose: bool = True) -> tuple[float, float, float]:
    """(cue_scale, c_scope, c_category) with the best out-of-fold scores on ``examples``."""
    order = list(range(len(examples)))
    random.Random(13).shuffle(order)
    folds = [order[i :: grid.folds] for i in range(grid.folds)]
    out = np.asarray([0 if e.in_scope else 1 for e in examples])
    best: tuple[float, float, float, float] | None = None
    for scale in grid.cue_scales:
        p_out = {c: np.zeros(len(examples)) for c in grid.c_scopes}
        right = {c: 0 for c in grid.c_categories}
        for held in folds:
            held_set = set(held)
            fit_rows = [i for i in order if i not in held_set]
            fit_set = [examples[i] for i in fit_rows]
            vocab, idf = build_vocab([e.text for e in fit_set])
            x_fit = feature_matrix(fit_set, vocab, idf, scale)
            x_held = feature_matrix([examples[i] for i in held], vocab, idf, scale)
            for c in grid.c_scopes:
                coef, intercept = fit_scope(x_fit, fit_set, c)
                p_out[c][held] = 1.0 / (1.0 + np.exp(-(x_held @ coef + intercept)))
            oos = [k for k, i in enumerate(held) if not examples[i].in_scope]
            for c in grid.c_categories:
                classes, coef2, intercept2 = fit_category(x_fit, fit_set, c)
                scores = x_held[oos] @ coef2.T + intercept2
                best_rows = scores.argmax(axis=1)
                right[c] += sum(
                    classes[int(j)] == examples[held[k]].category for k, j in zip(oos, best_rows, strict=True)
                )
        n_oos = int(out.sum())
        scope_scores = {c: _scope_objective(p_out[c], out) for c in grid.c_scopes}
        c_scope = max(grid.c_scopes, key=lambda c: (scope_scores[c], -c))
        c_category = max(grid.c_categories, key=lambda c: (right[c], -c))
        total = scope_scores[c_scope] + right[c_category] / n_oos
        if verbose:
            print(f"cv cue_scale={scale}: scope {scope_scores} category "
                  f"{ {c: round(r / n_oos, 4) for c, r in right.items()} }")
        if best is None or total > best[0]:
            best = (total, scale, c_scope, c_category)
    assert best is not None
    return best[1], best[2], best[3]


def choose_decision(model: ScreeningModel, dev_set: Sequence[Example]) -> tuple[Decision, Scores]:
    """Threshold, mixed-text cap and cue weight on the dev split."""
    catalogues = load_settings().catalogues_dir
    screener = OfflineScreener(model, load_channels(catalogues / "channels.yaml"),
                               Reframer.load(catalogues / "reframe.yaml"), Decision(mixed_override=False))
    analyses = [screener.analyse(e.text) for e in dev_set]
    threshold = choose_threshold(screener, analyses, dev_set)
    best = None
    for cap, weight in itertools.product(MIXED_CAPS, CUE_WEIGHTS):
        screener.params = Decision(threshold=threshold, cue_weight=weight, mixed_override=cap > 0, mixed_max_p=cap)
        s = score(screener, analyses, dev_set)
        key = (s.false_reject <= MAX_FALSE_REJECT, round(s.balanced, 4), s.category_accuracy, -weight, -cap)
        if best is None or key > best[0]:
            best = (key, screener.params, s)
    assert best is not None
    return best[1], best[2]


def _relative(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def train(
    train_path: Path, dev_path: Path, out_path: Path, *, grid: Grid | None = None, verbose: bool = True
) -> ScreeningModel:
    """Cross-validate hyper-parameters on train, fit on train, choose the decision on dev, save."""
    train_set, dev_set = load_examples(train_path), load_examples(dev_path)
    grid = grid or Grid()
    if len(grid.cue_scales) * len(grid.c_scopes) * len(grid.c_categories) > 1:
        cue_scale, c_scope, c_category = cross_validate(train_set, grid, verbose)
    else:
        cue_scale, c_scope, c_category = grid.cue_scales[0], grid.c_scopes[0], grid.c_categories[0]
    model = fit(train_set, c_scope=c_scope, c_category=c_category, cue_scale=cue_scale)
    decision, dev_scores = choose_decision(model, dev_set)
    model = replace(model, decision=decision)
    model.info.update(
        {
            "train_file": _relative(train_path),
            "decision_chosen_on": _relative(dev_path),
            "dev_scores": {k: round(v, 4) for k, v in vars(dev_scores).items()},
        }
    )
    model.save(out_path)
    if verbose:
        print(f"chosen: cue_scale={cue_scale} c_scope={c_scope} c_category={c_category} {decision}")
        print(f"dev: {dev_scores}")
        print(f"saved {out_path} ({out_path.stat().st_size / 1024:.0f} KiB, {model.n_text} n-grams)")
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the scope-screening model (train split; tuned on dev).")
    parser.add_argument("--train", type=Path, default=DATA_DIR / "train.jsonl")
    parser.add_argument("--dev", type=Path, default=DATA_DIR / "dev.jsonl")
    parser.add_argument("--out", type=Path, default=load_settings().models_dir / "screening.json.gz")
    parser.add_argument("--no-grid", action="store_true", help="skip the cross-validated grid (fast)")
    args = parser.parse_args(argv)
    grid = Grid(cue_scales=(0.25,), c_scopes=(16.0,), c_categories=(32.0,)) if args.no_grid else Grid()
    train(args.train, args.dev, args.out, grid=grid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
