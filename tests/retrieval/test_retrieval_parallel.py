"""Worker-process tokenising gives exactly what the parent's tokenizer gives."""

from __future__ import annotations

from retrieval.parallel import MIN_PARALLEL_DOCS, BatchAnalyser
from retrieval.tokenizer import ChineseTokenizer


def test_worker_analyses_equal_in_process_ones(tokenizer: ChineseTokenizer) -> None:
    texts = [f"第{i}号：老旧小区加装电梯，河涌黑臭治理，12345热线回复慢，穗好办APP办事" for i in range(40)]
    with BatchAnalyser(tokenizer, total_docs=MIN_PARALLEL_DOCS, workers=2) as analyser:
        assert analyser._pool is not None, "large jobs use worker processes"
        first, second = analyser.submit(texts[:25]), analyser.submit(texts[25:])
        parallel = first.result(timeout=120) + second.result(timeout=120)
    expected = [tokenizer.analyse(t) for t in texts]
    assert [a.terms for a in parallel] == [a.terms for a in expected]
    assert [a.runs for a in parallel] == [a.runs for a in expected]
    assert "加装电梯" in parallel[0].terms


def test_small_jobs_stay_in_process(tokenizer: ChineseTokenizer) -> None:
    with BatchAnalyser(tokenizer, total_docs=10, workers=2) as analyser:
        assert analyser._pool is None
        assert analyser.submit(["河涌"]).result()[0].words == ["河涌"]
