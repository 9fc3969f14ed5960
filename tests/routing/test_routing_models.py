"""The shipped domain and unit models: fast feature path, semantic head, weak-label unit classifier."""

from __future__ import annotations

import numpy as np

from assistant.routing.engine import OfflineRouter
from assistant.routing.semantic import semantic_text
from assistant.routing.units import vocab_digest

TEXTS = ("建议在小区门口加设公交站点，方便老人出行", "A市A5区某学校周边小吃摊卫生堪忧，请有关部门管一管",
         "长者饭堂晚上不开门，希望延长营业时间", "Ａ１２３ 加装电梯补贴太少了！！！")


def test_fast_features_equal_the_training_form(router: OfflineRouter) -> None:
    model = router.domain_model
    for text in TEXTS:
        fast, slow = model.vectorize(text), model.vectorize_slow(text)
        a = dict(zip(fast[0].tolist(), fast[1].tolist(), strict=True))
        b = dict(zip(slow[0].tolist(), slow[1].tolist(), strict=True))
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-9 for k in a)


def test_semantic_head_blends_with_the_ngram_model(router: OfflineRouter) -> None:
    model = router.domain_model
    assert model.semantic is not None and model.semantic.weight > 0
    text = "楼下工地半夜还在打桩，吵得睡不着"
    vector = router.embedder.embed_array([semantic_text(text)], query=True)[0]
    plain, blended = model.scores(text), model.scores(text, vector)
    assert not np.allclose(plain, blended)
    assert np.allclose(blended - plain, model.semantic.weight * model.semantic.scores(vector))
    assert model.predict(text).ranked != model.predict(text, vector).ranked


def test_unit_model_matches_the_domain_vocabulary_and_the_catalogue(router: OfflineRouter) -> None:
    units = router.unit_model
    assert units is not None and units.vocab_digest == vocab_digest(router.domain_model.vocab)
    assert set(units.classes) <= set(router.catalogue.unit_names())
    idx, val = router.domain_model.vectorize("孩子上学学位不够，建议多建公办小学")
    p = units.probabilities(idx, val)
    assert abs(p.sum() - 1) < 1e-9 and units.classes[int(p.argmax())] == "广州市教育局"
