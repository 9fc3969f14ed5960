"""The shipped corpus (corpus/data) and its builder: counts, ids, dedup, splits, eval sets, determinism."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from retrieval.documents import Document
from retrieval.shipped import load_jsonl_gz, load_shipped_documents, shipped_counts

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "corpus" / "data"
EVALS = REPO / "evals" / "retrieval"
ARTICLE_RE = re.compile(r"^第[零〇一二两三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$")
SCHEME_ID = "gzzx-baixing-2022"


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_build", REPO / "corpus" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_build"] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()


def _rows(name: str) -> list[dict[str, Any]]:
    return list(load_jsonl_gz(DATA / f"{name}.jsonl.gz"))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return _rows("items")


@pytest.fixture(scope="module")
def policies() -> list[dict[str, Any]]:
    return _rows("policies")


# Shipped files -------------------------------------------------------------------------------------
def test_files_exist_and_fit_the_size_budget() -> None:
    names = ["items", "policies", "labelled_titles", "labelled_texts", "labelled_full", "taxonomy"]
    paths = [DATA / f"{n}.jsonl.gz" for n in names]
    assert all(p.exists() for p in paths)
    vectors = DATA / "vectors-e5.npz"
    assert vectors.exists()
    assert sum(p.stat().st_size for p in paths) + vectors.stat().st_size < 30 * 1024 * 1024
    for p in paths:  # reproducible gzip: no name, mtime 0
        head = p.read_bytes()[:10]
        assert head[:2] == b"\x1f\x8b" and head[4:8] == b"\0\0\0\0" and not head[3] & 0x08


def test_row_counts() -> None:
    counts = shipped_counts(REPO / "corpus")
    assert 6000 <= counts["items"] <= 7000
    assert 10000 <= counts["policies"] <= 20000  # laws past messages are about (corpus/select_laws.py)
    assert counts["labelled_titles"] == 9210
    assert counts["labelled_texts"] == 6401
    assert counts["labelled_full"] == 1842
    assert counts["taxonomy"] == 517


def test_ids_are_unique(items: list[dict[str, Any]], policies: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in items] + [r["id"] for r in policies]
    assert len(ids) == len(set(ids))
    for name in ("labelled_titles", "labelled_texts", "labelled_full", "taxonomy"):
        rows = _rows(name)
        assert len({r["id"] for r in rows}) == len(rows)


# Items ---------------------------------------------------------------------------------------------
def test_items_have_no_exact_duplicates(items: list[dict[str, Any]]) -> None:
    keys = Counter((build.norm_exact(r["title"]), build.norm_exact(r["text"])) for r in items)
    assert keys.most_common(1)[0][1] == 1
    ids = {r["id"] for r in items}
    merged = [d for r in items for d in r["dup_ids"]]
    assert merged and not ids & set(merged)  # merged duplicates are gone from the corpus
    assert len(merged) == len(set(merged))


def test_items_do_not_overlap_the_labelled_messages(items: list[dict[str, Any]]) -> None:
    titles = {build.norm_loose(r["title"]) for r in _rows("labelled_titles")}
    texts = {build.norm_loose(r["text"]) for r in _rows("labelled_texts")}
    for r in _rows("labelled_full"):
        titles.add(build.norm_loose(r["title"]))
        texts.add(build.norm_loose(r["text"]))
    clashes = [r["id"] for r in items if build.norm_loose(r["title"]) in titles or build.norm_loose(r["text"]) in texts]
    assert clashes == []


def test_item_fields(items: list[dict[str, Any]]) -> None:
    assert Counter(r["source"] for r in items).keys() == {"replies", "hot"}
    for r in items:
        assert r["id"] == f"item-{r['msg_id']}"
        assert r["title"] and r["text"] and "_x000D_" not in r["text"]
        assert r["year"] == int(r["time"][:4])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", r["time"])
        if r["source"] == "replies":
            assert r["reply"] and r["reply_time"]
        else:
            assert isinstance(r["likes"], int) and isinstance(r["opposes"], int)
    assert [r["msg_id"] for r in items] == sorted(r["msg_id"] for r in items)


# Policies ------------------------------------------------------------------------------------------
def test_policy_article_labels(policies: list[dict[str, Any]]) -> None:
    for r in policies:
        if r["law_id"] == SCHEME_ID:
            assert build.SCHEME_LABEL_RE.match(r["article"]), r["id"]
        else:
            assert ARTICLE_RE.match(r["article"]), r["id"]
        assert r["id"] == f"law:{r['law_id']}#{r['article']}"
        assert r["text"].strip()


def test_one_current_version_per_law(policies: list[dict[str, Any]]) -> None:
    versions: dict[str, set[tuple[str, str | None]]] = {}
    for r in policies:
        versions.setdefault(r["title"], set()).add((r["law_id"], r["version_date"]))
    assert all(len(v) == 1 for v in versions.values())
    current = {title: next(iter(v))[1] for title, v in versions.items()}
    assert current["中华人民共和国民事诉讼法"] == "2023-09-01"  # 2021-12-24 version dropped
    assert current["中华人民共和国行政复议法"] == "2023-09-01"
    assert current["中华人民共和国慈善法"] == "2023-12-29"
    assert not [t for t in current if "修正案" in t]


def test_policy_selection(policies: list[dict[str, Any]]) -> None:
    laws = {r["title"]: r for r in policies}
    for title in (
        "信访工作条例",
        "信访条例",
        "上海市信访条例",
        "济南市12345市民服务热线条例",
        "潍坊市12345政务服务便民热线条例",
        "广州市幼儿园条例",
        "中华人民共和国民法典",
    ):
        assert title in laws, title
    categories = {r["category"] for r in policies}
    assert not categories & {"司法解释", "案例", "刑法"}
    assert laws["广州市幼儿园条例"]["region"] == "广州"
    assert laws["信访工作条例"]["region"] == "全国"
    civil = [r for r in policies if r["title"] == "中华人民共和国民法典"]
    assert len(civil) == 1260 and civil[0]["article"] == "第一条"  # the 8 编 files merged in article order


def test_scheme_sections(policies: list[dict[str, Any]]) -> None:
    scheme = {r["article"]: r for r in policies if r["law_id"] == SCHEME_ID}
    assert {"前言", "一", "二", "三（一）", "四（一）", "四（五）", "五（二）", "六（四）", "附件1"} <= scheme.keys()
    assert "不属于“百姓提案”工作范围" in scheme["四（一）"]["text"]
    assert "情况分析" in scheme["附件1"]["text"] and "<" not in scheme["附件1"]["text"]
    assert all(" and " not in r["text"] for r in scheme.values())
    assert scheme["五（二）"]["text"].startswith("领导小组办公室设在提案委，办公室主任由分管提案工作的")
    assert {r["region"] for r in scheme.values()} == {"广州"} and {r["year"] for r in scheme.values()} == {2022}


# Labelled sets -------------------------------------------------------------------------------------
def test_labelled_test_split_is_present_and_flagged() -> None:
    titles = _rows("labelled_titles")
    assert Counter(r["split"] for r in titles) == {"train": 6383, "dev": 1906, "test": 921}
    test_titles = {build.norm_loose(r["title"]) for r in titles if r["split"] == "test"}
    for r in titles:
        assert r["test_overlap"] == (r["split"] != "test" and build.norm_loose(r["title"]) in test_titles)
    texts = _rows("labelled_texts")
    assert Counter(r["split"] for r in texts) == {"dev": 4524, "test": 1877}
    assert all(("test" in r["source_file"]) == (r["split"] == "test") for r in texts)
    full = _rows("labelled_full")
    assert any(r["test_overlap"] for r in full) and not all(r["test_overlap"] for r in full)
    assert len({r["label"] for r in full}) == 7


# Eval sets -----------------------------------------------------------------------------------------
def test_eval_sets_reference_existing_documents(items: list[dict[str, Any]], policies: list[dict[str, Any]]) -> None:
    ids = {r["id"] for r in items} | {r["id"] for r in policies}
    near = _jsonl(EVALS / "near_duplicates.jsonl")
    assert len(near) >= 100 and len({c["id"] for c in near}) == len(near)
    for case in near:
        assert case["relevant"] and set(case["relevant"]) <= ids
        assert set(case["exclude"]) <= ids and not set(case["exclude"]) & set(case["relevant"])
        assert case["query"].strip()
    assert any(c["pair_kind"] == "hot-replies" for c in near)
    queries = _jsonl(EVALS / "queries.jsonl")
    assert len(queries) >= 70 and len({c["id"] for c in queries}) == len(queries)
    titles = {r["title"] for r in items}
    for case in queries:
        assert case["relevant"] and set(case["relevant"]) <= ids, case["id"]
        assert case["kind_hint"] in {"item", "policy", "mixed"} and case["note"]
        assert case["query"] not in titles
    assert {c["kind_hint"] for c in queries} == {"item", "policy", "mixed"}


# Loader --------------------------------------------------------------------------------------------
def test_loader_builds_documents_fast() -> None:
    start = time.perf_counter()
    docs = list(load_shipped_documents(REPO / "corpus"))
    elapsed = time.perf_counter() - start
    counts = shipped_counts(REPO / "corpus")
    assert len(docs) == counts["items"] + counts["policies"]
    assert elapsed < 10
    by_kind = Counter(d.kind for d in docs)
    assert by_kind == {"item": counts["items"], "policy": counts["policies"]}
    policy = next(d for d in docs if d.doc_id == f"law:{SCHEME_ID}#附件1")
    assert policy.citation() == "《广州市政协“百姓提案”工作方案》附件1"
    assert policy.meta["category"] == "政协文件" and policy.article == "附件1"


# Unit helpers --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("十", 10), ("十三", 13), ("二十", 20), ("一百零二", 102), ("一千二百六十", 1260), ("两百", 200)],
)
def test_cn_to_int(numeral: str, value: int) -> None:
    assert build.cn_to_int(numeral) == value


def test_parse_time() -> None:
    assert build.parse_time("2019/2/8 9:05:03") == "2019-02-08T09:05:03"
    assert build.parse_time("2019-01-20 12:00:00") == "2019-01-20T12:00:00"
    assert build.parse_time("2019/5/10") == "2019-05-10"
    assert build.parse_time("") is None and build.parse_time("not a date") is None


def test_split_articles_keeps_chapters_and_numbering() -> None:
    text = (
        "序言不是条文。\n\n## 第一章  总则\n\n第一条 为了测试，制定本条例。\n\n第二条 第一款。\n\n第二款。\n\n"
        "## 第二章  管理\n\n### 第一节 一般规定\n\n第三条\n\n标签单独成行。\n\n第三条之一 新增条文。\n\n"
        "第四条 \n\n## 第五条 标题里的条文。\n"
    )
    arts = list(build.split_articles(text, part="总则编"))
    assert [a[0] for a in arts] == ["第一条", "第二条", "第三条", "第三条之一", "第五条"]
    assert arts[0][1] == "总则编 / 第一章 总则"
    assert arts[1][2] == "第一款。\n第二款。"
    assert arts[2][1] == "总则编 / 第二章 管理 / 第一节 一般规定" and arts[2][2] == "标签单独成行。"


# Builder end to end on a tiny synthetic shared/ folder -----------------------------------------------
def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


SCHEME_TEXT = """政协广州市委员会办公厅文件

广州市政协“百姓提案”工作方案

为践行人民政协为人民的履职理念，特制定本方案。

一、指导思想

以人民为中心 and 问计于民。

四、主要任务

（一）突出一个导向

“百姓提案”重点征集百姓的“金点子”。

反映个人问题以及民事纠纷不属于“百姓提案”工作范围（办公厅、提案委）。

（二）领导小组办公室设在提案委，办公室主任由分管提案

工作的市政协领导担任。

- 附件：1. “百姓提案”标准格式

“百姓提案”

提出者：\t职业：
情况分析（500 字以内）\t<ol style="list-style-type: none"> 1. XXX 2. XXX</ol>
备注：如由市政协委员代为提交的，请填写相关信息

广州市政协办公厅
"""


def _law(title: str, category: str, region: str, date: str | None, text: str, path: str) -> dict[str, Any]:
    return {
        "id": path,
        "category": category,
        "region": region,
        "title": title,
        "version_date": date,
        "meta": f"# {title}\n\n2019年1月1日 通过",
        "text": text,
        "chars": len(text),
    }


def _synthetic_shared(root: Path) -> Path:
    teddy = root / "data" / "teddy2020c"
    laws = root / "data" / "lawrefbook"
    msg = {"留言用户": "U1", "留言时间": "2019/2/28 11:25:05"}
    _write_jsonl(
        teddy / "messages_with_replies.jsonl",
        [
            {
                **msg,
                "留言编号": 10,
                "留言主题": "A3区路灯不亮",
                "留言详情": "路灯坏了半年。_x000D_\n请修。",
                "答复意见": "已修复。",
                "答复时间": "2019/3/1 10:00:00",
            },
            {
                **msg,
                "留言编号": 11,
                "留言主题": "标注集里的留言",
                "留言详情": "这条也在标注集里。",
                "答复意见": "略。",
                "答复时间": "2019/3/1",
            },
        ],
    )
    _write_jsonl(
        teddy / "hot_topic_messages.jsonl",
        [
            {
                **msg,
                "留言编号": 200,
                "留言主题": "A3区路灯 不亮",
                "留言详情": "路灯坏了半年。\n请修。",
                "反对数": 1,
                "点赞数": 5,
            },
            {
                **msg,
                "留言编号": 201,
                "留言主题": "A3区路灯不亮",
                "留言详情": "路灯坏了半年了。请修。",
                "反对数": 0,
                "点赞数": 2,
            },
            {
                **msg,
                "留言编号": 202,
                "留言主题": "K2区垃圾站太臭",
                "留言详情": "垃圾站离楼太近。",
                "反对数": 0,
                "点赞数": 0,
            },
        ],
    )
    _write_jsonl(
        teddy / "messages_titles_labelled.jsonl",
        [
            {"split_by_uploader": "train", "留言主题": "标注集里的留言", "label_id": 0, "一级分类": "城乡建设"},
            {"split_by_uploader": "test", "留言主题": "测试标题", "label_id": 1, "一级分类": "环境保护"},
            {"split_by_uploader": "dev", "留言主题": "测试标题", "label_id": 1, "一级分类": "环境保护"},
        ],
    )
    _write_jsonl(
        teddy / "messages_texts_labelled.jsonl",
        [
            {
                "source_file": "processed_dev_detail.txt",
                "留言详情": "开发集正文",
                "label_id": 0,
                "一级分类": "城乡建设",
            },
            {"source_file": "processed_test3.txt", "留言详情": "测试集正文", "label_id": 1, "一级分类": "环境保护"},
        ],
    )
    _write_jsonl(
        teddy / "messages_full_rows_labelled.jsonl",
        [
            {
                "留言编号": 7,
                "留言用户": "U2",
                "留言主题": "测试标题",
                "留言时间": "2019/1/2 3:04:05",
                "留言详情": "别的正文",
                "一级标签": "环境保护",
            },
        ],
    )
    _write_jsonl(
        teddy / "label_taxonomy.jsonl", [{"一级分类": "城乡建设", "二级分类": "安全生产", "三级分类": "事故处理"}]
    )
    gd = [
        _law(
            "广州市测试条例",
            "地方性法规",
            "广东",
            "2021-06-01",
            "## 第一章  总则\n\n第一条 目的。\n\n第二条 适用范围。\n",
            "DLC/广东/广州市测试条例(2021-06-01).md",
        )
    ]
    _write_jsonl(laws / "guangdong_local_regs.jsonl", gd)
    _write_jsonl(
        laws / "laws.jsonl",
        [
            *gd,
            _law(
                "中华人民共和国测试法",
                "行政法",
                "全国",
                "2010-01-01",
                "第一条 旧版本。\n",
                "行政法/测试法(2010-01-01).md",
            ),
            _law(
                "中华人民共和国测试法", "行政法", "全国", None, "第一条 现行版本。\n第二条 新增。\n", "行政法/测试法.md"
            ),
            _law(
                "中华人民共和国重复法",
                "行政法",
                "全国",
                "2020-01-01",
                "第一条 同一部法。\n",
                "行政法/重复法(2020-01-01).md",
            ),
            _law(
                "中华人民共和国重复法",
                "经济法",
                "全国",
                "2020-01-01",
                "第一条 同一部法。\n",
                "经济法/重复法(2020-01-01).md",
            ),
            _law("测试法典", "民法典", "全国", None, "## 第二章 分则\n\n第三条 分编。\n", "民法典/分则编.md"),
            _law(
                "测试法典", "民法典", "全国", None, "## 第一章 总则\n\n第一条 总则。\n\n第二条 二。\n", "民法典/总则.md"
            ),
            _law("某司法解释", "司法解释", "全国", "2020-01-01", "第一条 不收。\n", "司法解释/某.md"),
            _law("上海市信访条例", "地方性法规", "上海", "2018-05-24", "第一条 信访。\n", "DLC/上海/上海市信访条例.md"),
            _law("上海市其他条例", "地方性法规", "上海", "2018-05-24", "第一条 不收。\n", "DLC/上海/上海市其他条例.md"),
            _law("没有条文的规定", "行政法规", "全国", "1990-01-01", "一、没有第几条。\n", "行政法规/没有条文.md"),
        ],
    )
    (root / "seeds").mkdir()
    (root / "seeds" / "000_test.txt").write_text(SCHEME_TEXT, encoding="utf-8")
    return root


def test_builder_is_deterministic_and_applies_the_rules(tmp_path: Path) -> None:
    shared = _synthetic_shared(tmp_path / "shared")
    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    report = build.build(shared, out1)
    build.main(["--shared", str(shared), "--out", str(out2), "--quiet"])
    files = sorted(p.name for p in out1.iterdir())
    assert files == sorted(p.name for p in out2.iterdir()) and len(files) == 6
    for name in files:
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name
    build.build(shared, out1)  # re-running in place gives the same bytes
    assert all((out1 / n).read_bytes() == (out2 / n).read_bytes() for n in files)

    items = {r["id"]: r for r in load_jsonl_gz(out1 / "items.jsonl.gz")}
    assert set(items) == {"item-10", "item-201", "item-202"}  # 11 overlaps the labelled set; 200 = exact dup of 10
    assert items["item-10"]["dup_ids"] == ["item-200"] and items["item-10"]["likes"] == 5
    assert items["item-10"]["text"] == "路灯坏了半年。\n请修。" and items["item-10"]["region"] == "A市"
    assert items["item-201"]["dup_ids"] == []  # a near duplicate (one character more) stays separate
    assert items["item-202"]["region"] == "K市" and items["item-202"]["reply"] is None
    assert report["items"]["dropped_labelled"] == {"replies": 1}

    pol = list(load_jsonl_gz(out1 / "policies.jsonl.gz"))
    by_title: dict[str, list[dict[str, Any]]] = {}
    for r in pol:
        by_title.setdefault(r["title"], []).append(r)
    assert set(by_title) == {
        "广州市测试条例",
        "中华人民共和国测试法",
        "中华人民共和国重复法",
        "测试法典",
        "上海市信访条例",
        build.SCHEME_TITLE,
    }
    assert [r["text"] for r in by_title["中华人民共和国测试法"]] == ["现行版本。", "新增。"]
    assert len(by_title["中华人民共和国重复法"]) == 1
    assert [r["article"] for r in by_title["测试法典"]] == ["第一条", "第二条", "第三条"]
    assert by_title["测试法典"][2]["chapter"] == "分则编 / 第二章 分则"
    assert (
        by_title["广州市测试条例"][0]["region"] == "广州" and by_title["广州市测试条例"][0]["chapter"] == "第一章 总则"
    )
    assert report["policies"]["laws_without_articles"] == ["没有条文的规定"]
    scheme = {r["article"]: r["text"] for r in by_title[build.SCHEME_TITLE]}
    assert list(scheme) == ["前言", "一", "四（一）", "四（二）", "附件1"]
    assert scheme["一"] == "以人民为中心和问计于民。"
    assert scheme["四（二）"] == "领导小组办公室设在提案委，办公室主任由分管提案工作的市政协领导担任。"
    assert "1. XXX 2. XXX" in scheme["附件1"] and "<ol" not in scheme["附件1"]

    titles = list(load_jsonl_gz(out1 / "labelled_titles.jsonl.gz"))
    assert [r["test_overlap"] for r in titles] == [False, False, True]
    full = list(load_jsonl_gz(out1 / "labelled_full.jsonl.gz"))
    assert full[0]["id"] == "full-7" and full[0]["test_overlap"] is True

    docs = list(load_shipped_documents(out1))  # the loader also accepts the data folder itself
    assert all(isinstance(d, Document) for d in docs)
    item = next(d for d in docs if d.doc_id == "item-10")
    assert item.reply == "已修复。" and item.meta["likes"] == 5 and item.meta["dup_ids"] == ["item-200"]
    with gzip.open(out1 / "taxonomy.jsonl.gz", "rt", encoding="utf-8") as fh:
        assert json.loads(fh.readline())["level3"] == "事故处理"
