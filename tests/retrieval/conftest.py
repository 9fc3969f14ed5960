"""Shared fixtures: a tokenizer with its jieba cache under a temp dir, small synthetic Chinese documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.documents import Document, MemoryDocumentStore
from retrieval.embeddings import E5Embeddings
from retrieval.tokenizer import ChineseTokenizer
from retrieval.vector_store import ChromaVectorStore, make_chroma_client


@pytest.fixture(scope="session")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> ChineseTokenizer:
    tk = ChineseTokenizer(cache_dir=tmp_path_factory.mktemp("jieba-cache"))
    tk.warm_up()
    return tk


class OtherSpaceEmbeddings(E5Embeddings):
    """The same engine under another space id: stands for a second embedding model in tests."""

    dims = 384

    @property
    def space_id(self) -> str:
        return "test-other-space"


@pytest.fixture(scope="session")
def embeddings() -> E5Embeddings:
    return E5Embeddings(threads=1)


def sample_documents() -> list[Document]:
    """A small mixed corpus: items with replies, policy articles and a proposal."""
    return [
        Document(
            doc_id="item-1",
            kind="item",
            title="老旧小区加装电梯审批太慢",
            text="我们小区是九十年代的老旧小区，居民想加装电梯，但是审批流程复杂，申请半年还没有结果。",
            year=2021,
            region="广州",
            reply="经核实，已督促街道办协调加装电梯审批工作。",
        ),
        Document(
            doc_id="item-2",
            kind="item",
            title="河涌黑臭影响居民生活",
            text="村边的河涌长期黑臭，夏天蚊虫很多，希望尽快整治黑臭水体。",
            year=2019,
            region="广州",
            reply="区水务局已将该河涌纳入整治计划。",
        ),
        Document(
            doc_id="item-3",
            kind="item",
            title="共享单车乱停放堵塞人行道",
            text="地铁站出口的人行道上共享单车乱停乱放，行人只能走机动车道，非常危险。",
            year=2023,
            region="深圳",
        ),
        Document(
            doc_id="item-4",
            kind="item",
            title="长者饭堂菜价上涨",
            text="社区长者饭堂最近菜价上涨，老人吃饭负担加重，建议政府加大补贴。",
            year=None,
            region=None,
        ),
        Document(
            doc_id="law:elevator#第五条",
            kind="policy",
            title="广州市既有住宅增设电梯办法",
            text="既有住宅增设电梯应当经本栋业主表决同意，并依法办理规划审批手续。",
            year=2020,
            region="广州",
            article="第五条",
        ),
        Document(
            doc_id="law:water#第十条",
            kind="policy",
            title="广州市河涌管理规定",
            text="区人民政府负责本辖区河涌的整治和日常维护，防止黑臭水体反弹。",
            year=2018,
            region="广州",
            article="第十条",
        ),
        Document(
            doc_id="proposal-1",
            kind="proposal",
            title="关于规范电动自行车停放充电的提案",
            text="建议在城中村设置集中充电桩，治理电动自行车飞线充电和乱停放问题。",
            year=2022,
            region="广州",
        ),
    ]


@pytest.fixture
def docs() -> list[Document]:
    return sample_documents()


@pytest.fixture
def store(docs: list[Document]) -> MemoryDocumentStore:
    memory = MemoryDocumentStore()
    memory.upsert(docs)
    return memory


@pytest.fixture
def vector_store(tmp_path: Path, embeddings: E5Embeddings) -> ChromaVectorStore:
    return ChromaVectorStore(make_chroma_client(tmp_path / "chroma"), embeddings)
