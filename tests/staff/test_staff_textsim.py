"""Character-bigram Jaccard, the sparse pair search and union-find."""

from __future__ import annotations

import random

from assistant.staff.textsim import BigramSets, UnionFind, bigrams, jaccard, similar_pairs


def test_jaccard_ignores_punctuation_case_and_spaces() -> None:
    assert jaccard("建议增设公交站！", "建议 增设 公交站") == 1.0
    assert bigrams("AB，c") == {"ab", "bc"}
    assert jaccard("", "任何内容") == 0.0
    assert 0 < jaccard("小区门口增设公交站点", "小区门口增设快递柜") < 1


def test_sparse_pairs_equal_brute_force() -> None:
    rng = random.Random(7)
    alphabet = "交通公园学校电梯噪音停车垃圾医院"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 12))) for _ in range(60)]
    texts += [texts[0] + "。", texts[5][:-1]]
    sets = BigramSets()
    matrix, sizes = sets.matrix(texts)
    found = {(i, j): s for i, j, s in similar_pairs(matrix, sizes, matrix, sizes, 0.4, same=True)}
    expected = {
        (i, j): jaccard(texts[i], texts[j])
        for i in range(len(texts)) for j in range(i + 1, len(texts)) if jaccard(texts[i], texts[j]) >= 0.4
    }
    assert found.keys() == expected.keys()
    assert all(abs(found[k] - expected[k]) < 1e-9 for k in expected)


def test_query_against_a_fixed_vocabulary_counts_unknown_bigrams() -> None:
    sets = BigramSets()
    corpus, corpus_sizes = sets.matrix(["甲乙丙丁"])
    query, query_sizes = sets.matrix(["甲乙丙丁戊己"], grow=False)
    assert len(sets.vocab) == 3
    (pair,) = similar_pairs(query, query_sizes, corpus, corpus_sizes, 0.1)
    assert abs(pair[2] - 3 / 5) < 1e-9


def test_union_find_groups() -> None:
    uf = UnionFind(6)
    uf.union(0, 3)
    uf.union(3, 5)
    uf.union(1, 2)
    assert uf.groups() == [[0, 3, 5], [1, 2]]
