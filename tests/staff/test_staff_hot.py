"""Hot topics: heat map counts (month × domain) and rising keywords, with the per-text analysis cache."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError
from assistant.staff.hot import AnalysisCache, HotTopics, month_range, shift_month
from assistant.storage.documents import SqlDocumentStore
from assistant.storage.repositories import IdeaRepository
from assistant.storage.texts import TextStore
from retrieval.documents import Document

KEYWORDS = {"公交": "交通运输", "地铁": "交通运输", "学校": "教育文体", "噪音": "环境保护"}


class Counting:
    """A keyword classifier that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> str:
        self.calls += 1
        return next((d for k, d in KEYWORDS.items() if k in text), "城乡建设")


def words(text: str) -> list[str]:
    return text.replace("\n", " ").split()


def item(n: int, month: str, text: str) -> Document:
    return Document(doc_id=f"item-t{n}", kind="item", title=f"留言{n}", text=text, year=int(month[:4]),
                    meta={"time": f"{month}-10T09:00:00"})


@pytest.fixture
def hot(database: Any, tmp_path: Path) -> tuple[HotTopics, Counting]:
    docs = [
        item(1, "2019-01", "公交 线路 太少"), item(2, "2019-01", "学校 门口 拥堵"),
        item(3, "2019-02", "地铁 延长 需求"), item(4, "2019-03", "噪音 扰民 工地"),
        item(5, "2019-03", "公交 站点 增设"), item(6, "2019-03", "公交 站点 增设"),
        item(7, "2018-12", "路灯 损坏"),
        Document(doc_id="policy-x", kind="policy", title="条例", text="公交 条例", year=2019),
        Document(doc_id="item-nodate", kind="item", title="无日期", text="公交"),
    ]
    SqlDocumentStore(database.sessions).upsert(docs)
    with database.session() as session:
        idea = IdeaRepository(session).create("小区 电梯 加装", status="screened", domain="民政")
        idea.created_at = datetime(2019, 3, 20, 2, 0, tzinfo=UTC)
        draft = IdeaRepository(session).create("草稿 不计", status="draft")
        draft.created_at = datetime(2019, 3, 20, 2, 0, tzinfo=UTC)
    classify = Counting()
    cache = AnalysisCache(tmp_path / "cache" / "topics.json", "tag-1")
    return HotTopics(TextStore(database), classify, words, cache), classify


def test_heat_map_counts_months_and_domains(hot: tuple[HotTopics, Counting]) -> None:
    topics, _ = hot
    heat = topics.heat_map(OP, months=3)
    assert heat.periods == ["2019-01", "2019-02", "2019-03"]
    table = dict(zip(heat.domains, heat.counts, strict=True))
    assert table == {"交通运输": [1, 1, 2], "教育文体": [1, 0, 0], "环境保护": [0, 0, 1], "民政": [0, 0, 1]}
    assert heat.domains[0] == "交通运输", "busiest domain first"
    assert heat.total == 7 and heat.sources == {"ideas": 1, "items": 6}
    assert topics.heat_map(OP, months=None).periods[0] == "2018-12"
    assert topics.heat_map(OP, months=3, source="ideas").total == 1


def test_analysis_is_cached_per_text_and_invalidated_by_a_new_tag(
    hot: tuple[HotTopics, Counting], database: Any, tmp_path: Path
) -> None:
    topics, classify = hot
    topics.analysed(OP)
    first = classify.calls
    assert first == 8, "each dated text is classified once (the idea's own domain still wins)"
    topics.analysed(OP)
    again = HotTopics(TextStore(database), classify, words, AnalysisCache(tmp_path / "cache" / "topics.json", "tag-1"))
    again.analysed(OP)
    assert classify.calls == first, "second request and a new process read the cache"
    fresh = AnalysisCache(tmp_path / "cache" / "topics.json", "tag-2")
    HotTopics(TextStore(database), classify, words, fresh).analysed(OP)
    assert classify.calls == 2 * first


def test_rising_keywords(hot: tuple[HotTopics, Counting]) -> None:
    topics, _ = hot
    report = topics.rising(OP, window=1, min_count=2)
    assert (report.latest_window, report.previous_window) == ("2019-03", "2019-02")
    assert (report.latest_docs, report.previous_docs) == (4, 1)
    assert [k.term for k in report.keywords] == ["公交", "增设", "站点"], "equal scores: by term"
    top = report.keywords[0]
    assert (top.latest, top.previous, top.latest_share, top.previous_share) == (2, 0, 0.5, 0.0)
    assert top.rise == 50.0
    assert topics.rising(OP, window=1, min_count=3).keywords == []
    wide = topics.rising(OP, window=2, min_count=1)
    assert wide.latest_window == "2019-02 至 2019-03" and wide.previous_window == "2018-12 至 2019-01"
    assert "地铁" in [k.term for k in wide.keywords] and "学校" not in [k.term for k in wide.keywords]
    with pytest.raises(InputError):
        topics.rising(OP, window=0)


def test_month_helpers() -> None:
    assert shift_month("2019-01", -1) == "2018-12" and shift_month("2019-12", 1) == "2020-01"
    assert month_range("2019-11", "2020-02") == ["2019-11", "2019-12", "2020-01", "2020-02"]


def test_warmup_process_fills_the_cache_the_server_reads(
    indexed_data_dir: Path, mini_corpus: Path, tmp_path: Path
) -> None:
    import shutil

    from assistant.container import Container
    from assistant.settings import test_settings
    from baixing.warm import start_hot_topics_warmup

    data_dir = tmp_path / "var"
    shutil.copytree(indexed_data_dir, data_dir)
    settings = test_settings(data_dir, corpus_dir=mini_corpus)
    process = start_hot_topics_warmup(settings)
    process.join(timeout=300)
    assert process.exitcode == 0

    def must_not_run(text: str) -> str:
        raise AssertionError("the server recomputed an item the warm-up had analysed")

    hot = Container(settings).staff.hot
    hot.classify = must_not_run
    assert len(hot.analysed(OP)) > 0
