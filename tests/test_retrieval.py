"""Hybrid retrieval on the real corpus: paraphrased subscriber questions, the recency rule, fusion."""

from __future__ import annotations

import json

import pytest

from helpdesk.retrieval import rrf
from tests.conftest import DATA

QUESTIONS = [json.loads(line) for line in (DATA / "retrieval_questions.jsonl").read_text().splitlines() if line]
HIT_AT_3_FLOOR = 0.90  # measured 0.93 on 85 questions; raise it as retrieval improves, never lower it


def test_question_set_is_large_and_spread():
    assert len(QUESTIONS) >= 30
    assert len({doc for q in QUESTIONS for doc in q["docs"]}) >= 30


def test_expected_document_in_top_3(retriever):
    misses = []
    for q in QUESTIONS:
        top = [p.chunk.doc_id for p in retriever.search(q["question"], k=3)]
        if not set(top) & set(q["docs"]):
            misses.append((q["question"], q["docs"], top))
    hit_rate = 1 - len(misses) / len(QUESTIONS)
    assert hit_rate >= HIT_AT_3_FLOOR, f"hit@3 {hit_rate:.2f}; misses:\n" + "\n".join(map(str, misses))


def test_hybrid_beats_either_half_alone(retriever):
    def mrr(mode):
        total = 0.0
        for q in QUESTIONS:
            ranked = [p.chunk.doc_id for p in retriever.search(q["question"], k=10, mode=mode)]
            total += next((1 / (i + 1) for i, d in enumerate(ranked) if d in q["docs"]), 0.0)
        return total / len(QUESTIONS)

    hybrid, dense, keyword = mrr("hybrid"), mrr("dense"), mrr("keyword")
    assert hybrid >= max(dense, keyword), (hybrid, dense, keyword)


@pytest.mark.parametrize("question", [
    "How many prompts does the Lite plan give me every 5 hours?",
    "what's the usage limit for pro and max per five hours",
    "Usage Limits: Lite Pro Max prompts every 5 hours, Claude Max (5x) comparison",
    "Up to ~120 prompts every 5 hours",
])
def test_superseded_quota_never_retrieved(retriever, question):
    passages = retriever.search(question, k=10)
    texts = "\n".join(p.chunk.text for p in passages)
    assert "~120 prompts" not in texts and "~600 prompts" not in texts and "~2400 prompts" not in texts
    assert "~80 prompts" in texts
    faq = next(i for i, p in enumerate(passages) if "~80 prompts" in p.chunk.text)
    assert faq < 3


def test_superseded_chunk_is_marked_in_the_index(retriever):
    old = [c for c in retriever.chunks if "~120 prompts" in c.text]
    assert old and all(c.superseded_by for c in old)
    newer = {retriever.chunks[retriever.positions[i]].doc_id for c in old for i in c.superseded_by.split(",")}
    assert newer == {"devpack-faq"}
    # Chunks that agree with the newer page stay retrievable: only contradicted figures are dropped.
    assert not any(c.superseded_by for c in retriever.chunks if c.doc_id.startswith("devpack-mcp-"))


def test_passages_carry_scores_and_metadata(retriever):
    passages = retriever.search("How do I cancel my subscription?", k=5)
    assert len(passages) == 5
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    top = passages[0].chunk
    assert (top.doc_id, top.as_of, top.source) == ("devpack-faq", "2026-02-12", "https://docs.z.ai/devpack/faq")
    assert top.question == "How can I cancel my subscription?"
    assert 0 < passages[0].dense <= 1


@pytest.mark.parametrize("rankings, expected", [
    ([[1, 2, 3], [3, 2, 1]], [1, 3, 2]),   # 1/61 + 1/63 > 2/62: a first place outweighs two second places
    ([[7], []], [7]),
    ([[1, 2], [2, 9]], [2, 1, 9]),          # in both lists beats first in one
])
def test_reciprocal_rank_fusion(rankings, expected):
    assert [item for item, _ in rrf(rankings)] == expected
