"""The ``baixing`` command in-process: index, similar (single and batch), ingest, eval, errors."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from baixing import main


@pytest.fixture
def cli_env(indexed_data_dir: Path, mini_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the pre-built data dir, selected through the environment like a user would."""
    data_dir = tmp_path / "cli-var"
    shutil.copytree(indexed_data_dir, data_dir)
    monkeypatch.setenv("BAIXING_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BAIXING_CORPUS_DIR", str(mini_corpus))
    return data_dir


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_index_builds_then_is_a_no_op(
    tmp_path: Path, mini_corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BAIXING_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("BAIXING_CORPUS_DIR", str(mini_corpus))
    code, out, _ = _run(capsys, "index", "--quiet")
    assert code == 0 and "索引已就绪" in out
    first_total = int(out.split("共 ")[1].split(" 篇")[0])
    assert first_total > 1500
    code, out, _ = _run(capsys, "index", "--quiet")
    assert code == 0
    assert f"共 {first_total} 篇" in out and "新增 0" in out and "载入内置语料 0 篇" in out


def test_similar_json_respects_kind_filter(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "similar", "建议完善信访工作制度", "--kind", "policy", "--json", "-k", "5")
    assert code == 0
    hits = json.loads(out)
    assert 0 < len(hits) <= 5
    assert all(h["kind"] == "policy" and h["citation"].startswith("《") for h in hits)
    assert all(set(h) >= {"doc_id", "title", "snippet", "score", "citation"} for h in hits)


def test_similar_jsonl_batch_keeps_ids_and_reports_bad_lines(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ['{"id": "q1", "text": "小区电梯坏了没人修"}', "not json", '{"id": 7, "text": "垃圾分类投放点太少"}', ""]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = _run(capsys, "similar", "--jsonl", "-k", "3")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in records] == ["q1", None, 7]
    assert "error" in records[1] and "第 2 行" in records[1]["error"]
    for record in (records[0], records[2]):
        assert 0 < len(record["hits"]) <= 3
        assert set(record["hits"][0]) == {"doc_id", "kind", "title", "score", "citation"}


def test_ingest_then_find_the_new_proposal(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "past.csv"
    archive.write_text(
        "编号,标题,内容,年份\n"
        "2023-017,关于在城中村推广长者饭堂的建议,城中村老人多，建议每个城中村设立长者饭堂并给予补贴。,2023\n"
        "2023-018,,,2023\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "ingest", str(archive), "--kind", "proposals", "--quiet")
    assert code == 0 and "成功 1 行" in out and "第 3 行" in out
    code, out, _ = _run(capsys, "similar", "城中村的老人吃饭难，想要长者饭堂", "--kind", "proposal", "--json")
    assert json.loads(out)[0]["doc_id"] == "proposal-2023-017"
    code, out, _ = _run(capsys, "ingest", str(archive), "--kind", "proposals", "--quiet")
    assert "新增或更新 0 篇" in out


def test_user_errors_are_chinese_messages_not_tracebacks(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "similar", "   ")
    assert code == 2 and "空的" in err and "Traceback" not in err
    code, _, err = _run(capsys, "ingest", "/nonexistent.csv", "--kind", "items", "--quiet")
    assert code == 2 and "找不到文件" in err
    code, _, err = _run(capsys, "ingest", "x.csv", "--kind", "items", "--map", "colour=颜色")
    assert code == 2 and "未知字段" in err


def test_eval_retrieval_saves_a_run(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "mini.jsonl"
    case = {"id": "s1", "query": "百姓提案的标准格式是什么", "relevant": ["nonexistent-doc"]}
    dataset.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = _run(capsys, "eval", "retrieval", "--dataset", str(dataset), "--modes", "bm25", "hybrid")
    assert code == 0 and "mini/hybrid" in out
    saved = next((cli_env / "runs").glob("retrieval-*.json"))
    run = json.loads(saved.read_text(encoding="utf-8"))
    assert {c["group"] for c in run["cases"]} == {"mini/bm25", "mini/hybrid"}
    assert run["aggregates"]["mini/hybrid"]["mrr"] == 0.0, "an unknown relevant id can never be found"


def test_draft_save_then_export_docx_and_markdown(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from docx import Document

    from assistant.settings import load_settings
    from assistant.storage.db import open_database
    from assistant.storage.repositories import DraftRepository

    idea = "我们小区是老旧小区，没有电梯，住六楼的老人家上下楼太难了，能不能政府出钱统一加装电梯？"
    code, out, err = _run(
        capsys, "draft", idea, "--save", "--offline", "--no-search", "--json",
        "--name", "张三", "--address", "天河区某路1号", "--member", "某委员",
        "--answer", "affected=楼里住着二十多户老人",
    )
    assert code == 0
    reported = re.search(r"草稿编号 (\d+)，第 (\d+) 轮", err)
    assert reported is not None and reported.group(2) == "2"  # round 1 plus the answer
    draft_id = int(reported.group(1))
    printed = json.loads(out)
    title = printed["title"]
    assert title.startswith("关于") and title.endswith("的“百姓提案”")

    db = open_database(load_settings().database_url)  # the database the CLI used (under BAIXING_DATA_DIR)
    try:
        with db.session() as s:
            stored = DraftRepository(s).latest_version(draft_id)
            assert stored is not None and stored.version_no == 2 and stored.title == title
            assert stored.proposer_address == "天河区某路1号" and stored.session_state["round"] == 2
    finally:
        db.dispose()

    docx_path, md_path = tmp_path / "out" / "草稿.docx", tmp_path / "草稿.md"
    docx_path.parent.mkdir()
    code, out, _ = _run(capsys, "export", str(draft_id), "--format", "docx", "--output", str(docx_path))
    assert code == 0 and str(docx_path) in out
    document = Document(str(docx_path))
    table = document.tables[0]
    labels = [row.cells[0].text for row in table.rows]
    assert labels == ["提出者：", "联系电话：", "标题", "情况分析（500字以内）", "具体建议（1000字以内）",
                      "备注：如由市政协委员或参加单位代为提交的，请填写相关信息"]
    assert [table.rows[0].cells[2].text, table.rows[1].cells[2].text] == ["职业：", "联系地址："]
    assert table.rows[0].cells[1].text == "张三" and table.rows[1].cells[3].text == "天河区某路1号"
    assert table.rows[2].cells[1].text == title
    assert "张三" in table.rows[5].cells[1].text and "某委员" in table.rows[5].cells[1].text
    assert document.paragraphs[0].text == "“百姓提案”"

    code, out, _ = _run(capsys, "export", str(draft_id), "--format", "md", "--output", str(md_path))
    assert code == 0
    markdown = md_path.read_text(encoding="utf-8")
    assert title in markdown and "情况分析（500字以内）" in markdown and "具体建议（1000字以内）" in markdown
    code, out, _ = _run(capsys, "export", str(draft_id), "--format", "md", "--output", "-")
    assert code == 0 and out.strip() == markdown.strip()

    code, _, err = _run(capsys, "export", str(draft_id + 1000), "--format", "md")
    assert code == 2 and "错误" in err
