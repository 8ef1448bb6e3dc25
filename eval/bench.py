"""`python -m eval.bench`: speed, memory and retrieval quality, ours beside a LlamaIndex-defaults pipeline.

Prints figures, asserts nothing (the machine is shared and noisy; timed tests would flake). Both pipelines
run in this one process on the same corpus, embedder and questions, so their ratios are comparable.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from eval.baseline import bench_llamaindex_defaults
from eval.metrics import first_rank, hit_at, mrr, percentile
from helpdesk.settings import PROJECT_ROOT, Settings

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "retrieval_questions.jsonl"
LABELLED = PROJECT_ROOT / "tests" / "data" / "abstention_labelled.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ranking_scores(ranked_docs: list[list[str]], expected: list[list[str]]) -> dict[str, float]:
    ranks = [first_rank(docs, want) for docs, want in zip(ranked_docs, expected)]
    return {f"hit@{k}": hit_at(ranks, k) for k in (1, 3, 5)} | {"mrr": mrr(ranks)}


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bench_ours(settings: Settings, questions: list[dict], extra: list[str]) -> dict:
    from helpdesk.answer import answer
    from helpdesk.retrieval import get_retriever
    from ingest.indexer import run

    started = time.perf_counter()
    full = run(settings, log=lambda _: None, progress=False)
    full_s = time.perf_counter() - started
    started = time.perf_counter()
    again = run(settings, log=lambda _: None, progress=False)
    again_s = time.perf_counter() - started
    retriever = get_retriever(settings)
    answer(questions[0]["question"], settings=settings)  # warm: model and index loaded

    retrieval_ms, answer_ms, ranked = [], [], {"hybrid": [], "dense": [], "keyword": []}
    for q in questions:
        for mode in ranked:
            t = time.perf_counter()
            passages = retriever.search(q["question"], k=5, mode=mode)
            if mode == "hybrid":
                retrieval_ms.append((time.perf_counter() - t) * 1000)
            ranked[mode].append([p.chunk.doc_id for p in passages])
    from helpdesk.embedding import _query_vector

    _query_vector.cache_clear()  # time answers as first asked, not replays of the retrieval loop above
    for text in [q["question"] for q in questions] + extra:
        t = time.perf_counter()
        answer(text, settings=settings)
        answer_ms.append((time.perf_counter() - t) * 1000)
    expected = [q["docs"] for q in questions]
    return {
        "chunks": full.chunks, "ingest_full_s": full_s, "ingest_again_s": again_s, "embedded_again": again.embedded,
        "retrieval_ms": retrieval_ms, "answer_ms": answer_ms,
        "scores": {mode: ranking_scores(docs, expected) for mode, docs in ranked.items()},
        "rss_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.parse_args(argv)
    questions = load_jsonl(QUESTIONS)
    extra = [row["question"] for row in load_jsonl(LABELLED)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(index_dir=Path(tmp) / "index", chroma_host=None, chroma_port=None)
        ours = bench_ours(settings, questions, extra)
        base = bench_llamaindex_defaults(settings, questions)

    med = statistics.median
    print(f"Corpus: {settings.corpus_dir}  questions: {len(questions)} retrieval (expected doc known), "
          f"{len(questions) + len(extra)} answered end to end")
    print(f"Ingestion, full (incl. model load): {ours['ingest_full_s']:.1f} s for {ours['chunks']} chunks")
    print(f"Ingestion, no change: {ours['ingest_again_s']:.2f} s, {ours['embedded_again']} chunks embedded")
    print(f"LlamaIndex defaults build: {base['build_s']:.1f} s for {base['chunks']} nodes")
    print(f"Warm retrieval latency, ours: p50 {med(ours['retrieval_ms']):.1f} ms, "
          f"p95 {percentile(ours['retrieval_ms'], 95):.1f} ms")
    print(f"Warm retrieval latency, defaults: p50 {med(base['retrieval_ms']):.1f} ms, "
          f"p95 {percentile(base['retrieval_ms'], 95):.1f} ms  "
          f"(ours/defaults p50 ratio {med(ours['retrieval_ms']) / med(base['retrieval_ms']):.2f})")
    print(f"Warm answer latency (retrieval + offline answer), ours: p50 {med(ours['answer_ms']):.1f} ms, "
          f"p95 {percentile(ours['answer_ms'], 95):.1f} ms over {len(ours['answer_ms'])} questions")
    print(f"Peak RSS: {ours['rss_mb']:.0f} MB after ours; {base['rss_mb']:.0f} MB after the baseline too")
    print()
    print(f"{'pipeline':<22}{'hit@1':>7}{'hit@3':>7}{'hit@5':>7}{'MRR':>7}")
    rows = [("ours: hybrid (RRF)", ours["scores"]["hybrid"]), ("ours: dense only", ours["scores"]["dense"]),
            ("ours: BM25 only", ours["scores"]["keyword"]), ("LlamaIndex defaults", base["scores"])]
    for name, s in rows:
        print(f"{name:<22}{s['hit@1']:>7.2f}{s['hit@3']:>7.2f}{s['hit@5']:>7.2f}{s['mrr']:>7.3f}")
    h, b = ours["scores"]["hybrid"], base["scores"]
    print(f"ratio ours/defaults: hit@3 {h['hit@3'] / b['hit@3']:.2f}, MRR {h['mrr'] / b['mrr']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
