from __future__ import annotations

import pytest

from retrieval.tokenizer import (
    BIGRAM_MARK,
    DEFAULT_STOPWORDS,
    DEFAULT_USERDICT,
    ChineseTokenizer,
    load_stopwords,
    load_userdict,
    strip_numbers,
)


def test_userdict_is_substantial_and_parses() -> None:
    entries = load_userdict(DEFAULT_USERDICT)
    words = [w for w, _ in entries]
    assert len(entries) >= 150
    assert len(set(words)) == len(words), "duplicate entries in userdict.txt"
    assert all(freq > 0 for _, freq in entries)
    for must in ("长者饭堂", "城中村", "加装电梯", "河涌", "12345", "穗好办", "一网通办", "新就业形态"):
        assert must in words


def test_every_userdict_word_is_kept_whole(tokenizer: ChineseTokenizer) -> None:
    split = [w for w, _ in load_userdict(DEFAULT_USERDICT) if tokenizer.cut(w) != [w]]
    assert split == []


def test_userdict_words_stay_whole_in_sentences(tokenizer: ChineseTokenizer) -> None:
    words = tokenizer.analyse("建议在城中村加装电梯，长者饭堂用穗康码登记，拨打12345反映河涌黑臭水体。").words
    for term in ("城中村", "加装电梯", "长者饭堂", "穗康码", "12345", "河涌", "黑臭水体"):
        assert term in words


def test_stopwords_and_punctuation_dropped_content_kept(tokenizer: ChineseTokenizer) -> None:
    stop = load_stopwords(DEFAULT_STOPWORDS)
    assert {"的", "了", "在", "，", "。"} <= stop
    assert not {"电梯", "河涌", "路", "灯"} & stop
    terms = tokenizer.terms("我们的电梯坏了，在河涌边的路灯也不亮！")
    assert "的" not in terms and "，" not in terms and "了" not in terms
    assert "电梯" in terms and "河涌" in terms


def test_latin_lowercased_years_dropped_hotlines_kept(tokenizer: ChineseTokenizer) -> None:
    terms = tokenizer.terms("穗好办APP在2023年升级，WiFi信号差，5G也慢，打12345没用")
    assert "app" in terms and "wifi" in terms and "12345" in terms
    assert not any("2023" in t for t in terms)
    assert not any(t != t.lower() for t in terms)


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ("反映了二十多次都没人管", ["二十", "二十多", "多次"], ["反映", "没人管"]),
        ("工地一天到晚施工", ["一天"], ["工地", "施工"]),
        ("3月8日起夜间施工", ["3", "3月", "8日"], ["夜间", "施工"]),
        ("离幼儿园不到500米有洗车店", ["500", "500米"], ["幼儿园", "洗车"]),
        ("公积金转到外地一个多月还没到账", ["一个", "多月", "一个多月"], ["公积金", "外地", "到账"]),
        ("半年了还没结果", ["半年"], ["结果"]),
        ("百姓反映统一管理", [], ["百姓", "统一", "管理"]),
    ],
)
def test_numbers_and_time_spans_are_dropped(
    tokenizer: ChineseTokenizer, text: str, gone: list[str], kept: list[str]
) -> None:
    analysis = tokenizer.analyse(text)
    terms = set(analysis.terms)
    grams = set(analysis.bigrams())
    assert not terms & set(gone), terms
    assert not grams & set(gone), grams
    assert set(kept) <= terms | grams, (kept, terms)
    assert strip_numbers("在A3区和K4县") == "在A3区和K4县"  # masked place names are not numbers


def test_index_terms_mark_bigrams_apart_from_words(tokenizer: ChineseTokenizer) -> None:
    terms = tokenizer.index_terms(tokenizer.analyse("河涌黑臭"))
    assert "河涌" in terms and BIGRAM_MARK + "涌黑" in terms and "涌黑" not in terms


def test_search_terms_add_dictionary_subwords(tokenizer: ChineseTokenizer) -> None:
    terms = tokenizer.terms("加装电梯")
    assert {"加装电梯", "加装", "电梯"} <= set(terms)
    assert "12345" in tokenizer.terms("拨打12345热线")


def test_only_stopwords_give_no_terms(tokenizer: ChineseTokenizer) -> None:
    assert tokenizer.terms("的了吗，。！") == []
    assert tokenizer.query_terms("") == []


def test_query_terms_are_deduplicated_in_order(tokenizer: ChineseTokenizer) -> None:
    q = tokenizer.query_terms("河涌 河涌 电梯")
    assert q == list(dict.fromkeys(q))
    assert q.index("河涌") < q.index("电梯")


def test_analysis_gives_words_unigrams_and_bigrams(tokenizer: ChineseTokenizer) -> None:
    feats = tokenizer.analyse("河涌黑臭，APP")
    assert "河涌" in feats.words
    assert feats.runs == ["河涌黑臭"]
    assert feats.bigrams() == ["河涌", "涌黑", "黑臭"]
    assert feats.unigrams() == ["河", "涌", "黑", "臭"]


def test_private_instance_and_cache_dir(tmp_path) -> None:
    tk = ChineseTokenizer(cache_dir=tmp_path / "jieba")
    assert tk.cut("长者饭堂") == ["长者饭堂"]
    assert any((tmp_path / "jieba").iterdir()), "jieba's cache should be written to the given dir"
    import jieba

    assert jieba.dt is not tk._jieba  # the global jieba tokenizer stays untouched
