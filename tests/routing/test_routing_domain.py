"""The shipped domain model predicts first-level classes; a fitted model survives a save/load round trip."""

from __future__ import annotations

from pathlib import Path

from assistant.routing.catalogue import DOMAINS
from assistant.routing.domain import DomainModel, fit


def test_shipped_model_classifies_clear_titles() -> None:
    model = DomainModel.load()
    assert set(model.classes) <= set(DOMAINS)
    assert model.predict("建议扩大公办幼儿园学位，解决孩子入园难").label == "教育文体"
    assert model.predict("希望开通一条直达火车站的公交线路").label == "交通运输"
    assert model.predict("工厂夜间偷排废气，空气刺鼻").label == "环境保护"
    prediction = model.predict("社保断缴后怎样补缴养老保险")
    assert prediction.label == "劳动和社会保障"
    assert abs(sum(p for _, p in prediction.ranked) - 1.0) < 1e-6


def test_fit_save_load_round_trip(tmp_path: Path) -> None:
    texts = ["公交线路太少", "地铁站太远", "公交车晚点", "学校学位不足", "幼儿园收费高", "老师补课收费"]
    labels = ["交通运输"] * 3 + ["教育文体"] * 3
    model = fit(texts, labels, min_df=1)
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = DomainModel.load(path)
    assert loaded.classes == model.classes
    assert loaded.predict_labels(["公交站太远", "学校补课"]) == ["交通运输", "教育文体"]
