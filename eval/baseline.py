"""The reference a user would otherwise build: the LlamaIndex tutorial pipeline over the same corpus and embedder.

VectorStoreIndex over whole documents, LlamaIndex's default splitter, dense top-k retrieval, no rules, no
keyword search, no abstention, no LLM. Its "answer" is the text of the best passage and it cites the documents
of the passages it retrieved. The batch evaluation (`python -m eval --baseline`) and the benchmark
(`python -m eval.bench`) both use this one implementation.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass

from helpdesk.settings import Settings

TOP_K = 5


@dataclass(frozen=True)
class BaselineAnswer:
    text: str
    route: str
    docs: tuple[str, ...]  # document id of each retrieved passage, best first (repeats kept, for hit@k)
    sources: tuple[dict, ...]  # one per cited document, in the results-file shape


class LlamaIndexDefaults:
    def __init__(self, settings: Settings, top_k: int = TOP_K, embed_model=None):
        """`embed_model`: the torch model, when the caller loaded it already (its load is then not build time)."""
        from llama_index.core import Document, VectorStoreIndex

        from helpdesk.embedding import llamaindex_embedder
        from ingest.documents import load_corpus

        started = time.perf_counter()
        documents = load_corpus(settings.corpus_dir)
        self._meta = {d.doc_id: {"doc": d.doc_id, "title": d.title, "url": d.source, "as_of": d.as_of}
                      for d in documents}
        # The embedder is passed to the index rather than set on llama_index's global Settings, so building a
        # baseline changes nothing else in the process (and prints no "LLM is explicitly disabled" banner).
        self.index = VectorStoreIndex.from_documents(
            [Document(text=d.body, metadata={"doc_id": d.doc_id, "title": d.title}) for d in documents],
            embed_model=embed_model or llamaindex_embedder())
        self.build_s = time.perf_counter() - started
        self.chunks = len(self.index.docstore.docs)
        self.retriever = self.index.as_retriever(similarity_top_k=top_k)

    def search(self, question: str) -> list:
        return self.retriever.retrieve(question)

    def answer(self, question: str) -> BaselineAnswer:
        nodes = self.search(question)
        docs = tuple(n.node.metadata["doc_id"] for n in nodes)
        cited = tuple(dict.fromkeys(docs))
        return BaselineAnswer(text=nodes[0].node.get_content() if nodes else "", route="retrieval", docs=docs,
                              sources=tuple(self._meta[d] for d in cited))


def bench_llamaindex_defaults(settings: Settings, questions: list[dict], embed_model=None) -> dict:
    """`python -m eval.bench`'s figures for the baseline: build time, warm retrieval latency, ranking scores."""
    from eval.metrics import first_rank, hit_at, mrr

    baseline = LlamaIndexDefaults(settings, embed_model=embed_model)
    baseline.search(questions[0]["question"])  # warm
    latency, ranks = [], []
    for q in questions:
        t = time.perf_counter()
        nodes = baseline.search(q["question"])
        latency.append((time.perf_counter() - t) * 1000)
        ranks.append(first_rank([n.node.metadata["doc_id"] for n in nodes], q["docs"]))
    scores = {f"hit@{k}": hit_at(ranks, k) for k in (1, 3, 5)} | {"mrr": mrr(ranks)}
    return {"chunks": baseline.chunks, "build_s": baseline.build_s, "retrieval_ms": latency, "scores": scores,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
