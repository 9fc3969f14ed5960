"""Archive import: formats, column mapping, bad rows with line numbers, idempotency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.errors import InputError
from assistant.ingest import IngestService
from assistant.ingest.mapping import parse_mapping
from retrieval.documents import MemoryDocumentStore


def _service() -> tuple[IngestService, MemoryDocumentStore, list[int]]:
    store = MemoryDocumentStore()
    syncs: list[int] = []
    return IngestService(store, sync_index=lambda: syncs.append(store.count())), store, syncs


def test_csv_with_custom_mapping_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "proposals.csv"
    path.write_text(
        "提案号,提案标题,正文,年份,承办单位\n"
        "P1,关于加快老旧小区加装电梯的建议,老旧小区老人多，上下楼难。,2023,市住房城乡建设局\n"
        "P2,关于河涌治理的建议,部分河涌黑臭，建议加强截污。,2022,市水务局\n",
        encoding="utf-8",
    )
    service, store, syncs = _service()
    mapping = parse_mapping(["id=提案号", "title=提案标题", "text=正文", "time=年份"])
    first = service.ingest_file(path, "proposals", mapping)
    assert (first.rows_ok, first.added_or_changed, first.errors) == (2, 2, [])
    doc = store.get_many(["proposal-P1"])["proposal-P1"]
    assert doc.kind == "proposal" and doc.year == 2023 and doc.meta["unit"] == "市住房城乡建设局"
    second = service.ingest_file(path, "proposals", mapping)
    assert second.added_or_changed == 0 and second.unchanged == 2
    assert store.count() == 2
    assert syncs == [2], "the index is synced only when something changed"


def test_bad_rows_are_reported_with_line_numbers_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    records = [
        {"id": 1, "title": "公交晚点", "text": "12路公交经常晚点", "time": "2019/3/1"},
        None,
        {"id": 3, "title": "空内容", "text": ""},
        {"id": 4, "title": "时间错", "text": "内容", "time": "去年"},
        {"id": 5, "title": "路灯不亮", "text": "小区路灯坏了很久", "time": "2020-01-02"},
    ]
    lines = ["{not json" if r is None else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    service, store, _ = _service()
    report = service.ingest_file(path, "items")
    assert report.rows_read == 5 and report.rows_ok == 2
    assert [e.line for e in report.errors] == [2, 3, 4]
    assert "JSON" in report.errors[0].message and "年份" in report.errors[2].message
    assert sorted(store.fingerprints()) == ["item-1", "item-5"]


def test_gbk_csv_and_xlsx_are_read(tmp_path: Path) -> None:
    csv_path = tmp_path / "gbk.csv"
    csv_path.write_bytes("标题,内容\n垃圾分类,建议增加分类投放点\n".encode("gb18030"))
    xlsx_path = tmp_path / "items.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言主题", "留言详情", "留言时间", "答复意见"])
    sheet.append([101, "长者饭堂不够", "社区长者饭堂座位太少", "2021-05-06", "已增设座位"])
    book.save(xlsx_path)
    service, store, _ = _service()
    assert service.ingest_file(csv_path, "items").rows_ok == 1
    report = service.ingest_file(xlsx_path, "items")
    assert report.rows_ok == 1
    doc = store.get_many(["item-101"])["item-101"]
    assert doc.reply == "已增设座位" and doc.year == 2021


def test_policy_text_is_split_into_articles(tmp_path: Path) -> None:
    path = tmp_path / "policies.jsonl"
    law = (
        "## 第一章 总则\n第一条 为了规范物业管理，制定本条例。\n第二条 本条例适用于本市。\n"
        "## 第二章 业主\n第三条 业主享有下列权利。"
    )
    path.write_text(json.dumps({"title": "某市物业管理条例", "text": law, "time": "2021"}, ensure_ascii=False))
    service, store, _ = _service()
    report = service.ingest_file(path, "policies")
    assert report.documents == 3
    docs = list(store.iter_all())
    assert {d.article for d in docs} == {"第一条", "第二条", "第三条"}
    third = next(d for d in docs if d.article == "第三条")
    assert third.meta["chapter"] == "第二章 业主"
    assert third.citation() == "《某市物业管理条例》第三条"


def test_unusable_files_raise_readable_errors(tmp_path: Path) -> None:
    service, _, _ = _service()
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="不是文本文件"):
        service.ingest_file(binary, "items")
    fake_xlsx = tmp_path / "x.xlsx"
    fake_xlsx.write_text("not a workbook")
    with pytest.raises(InputError, match="Excel"):
        service.ingest_file(fake_xlsx, "items")
    pdf = tmp_path / "x.pdf"
    pdf.write_text("a")
    with pytest.raises(InputError, match="不支持"):
        service.ingest_file(pdf, "items")
    no_text = tmp_path / "cols.csv"
    no_text.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="正文"):
        service.ingest_file(no_text, "items")
    with pytest.raises(InputError, match="未知的导入类型"):
        service.ingest_file(no_text, "laws")


def test_parse_mapping_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="未知字段"):
        parse_mapping(["colour=颜色"])
    with pytest.raises(ValueError, match="字段=列名"):
        parse_mapping(["title"])
