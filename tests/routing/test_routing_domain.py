"""The shipped domain model predicts first-level classes (all 15, the 8 without labelled data only on clear cues),
a second level under the first when confident, and survives a save/load round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.routing.catalogue import DOMAINS
from assistant.routing.domain import DomainModel, fit, fit_level2
from assistant.routing.engine import DOMAIN_MODEL_FILE, load_taxonomy
from tests.support import SHIPPED


@pytest.fixture(scope="module")
def model() -> DomainModel:
    return DomainModel.load(SHIPPED.models_dir / DOMAIN_MODEL_FILE)


def test_shipped_model_covers_the_fifteen_classes(model: DomainModel) -> None:
    assert set(model.classes) == set(DOMAINS)
    assert model.level2 is not None


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("建议扩大公办幼儿园学位，解决孩子入园难", "教育文体"),
        ("希望开通一条直达火车站的公交线路", "交通运输"),
        ("工厂夜间偷排废气，空气刺鼻", "环境保护"),
        ("社保断缴后怎样补缴养老保险", "劳动和社会保障"),
        ("低保申请要跑好几趟，建议简化低保审核流程", "民政"),
        ("派出所办理户口迁移太慢", "政法"),
    ],
)
def test_shipped_model_classifies_clear_texts(model: DomainModel, text: str, label: str) -> None:
    prediction = model.predict(text)
    assert prediction.label == label
    assert abs(sum(p for _, p in prediction.ranked) - 1.0) < 1e-6
    assert prediction.ranked[0] == (prediction.label, prediction.probability)


def test_second_level_belongs_to_the_first(model: DomainModel) -> None:
    pairs = {(level1, level2) for level1, level2, _ in load_taxonomy(SHIPPED.taxonomy_path)}
    texts = ["2015年养老金调整什么时间出台？", "社保断缴后怎样补缴养老保险", "低保申请要跑好几趟，建议简化低保审核流程"]
    given = 0
    for text in texts:
        prediction = model.predict(text)
        if prediction.level2 is not None:
            given += 1
            assert (prediction.label, prediction.level2) in pairs
            assert prediction.level2_probability is not None
            assert model.level2 is not None and prediction.level2_probability >= model.level2.threshold
    assert given >= 2
    unsure = model.predict("你好")
    assert unsure.level2 is None and unsure.level2_probability is None


def test_fit_save_load_round_trip(tmp_path: Path) -> None:
    texts = ["公交线路太少", "地铁站太远", "公交车晚点", "学校学位不足", "幼儿园收费高", "老师补课收费"]
    labels = ["交通运输"] * 3 + ["教育文体"] * 3
    weak = ["低保审核太慢", "低保金发放", "申请低保"]
    model = fit(texts, labels, min_df=1, weak_texts=weak, weak_labels=["民政"] * 3)
    assert model.classes == ("交通运输", "教育文体", "民政")
    model.level2 = fit_level2(model, texts, [("交通运输", "客货运输")] * 3 + [("教育文体", "教育收费")] * 3, min_df=1)
    model.level2.threshold = 0.0
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = DomainModel.load(path)
    assert loaded.classes == model.classes
    assert loaded.predict_labels(["公交站太远", "学校补课", "低保审核"]) == ["交通运输", "教育文体", "民政"]
    prediction = loaded.predict("公交站太远")
    assert prediction.level2 == "客货运输"
    assert loaded.predict("低保审核").level2 is None  # no level-2 classes under 民政 in this model

