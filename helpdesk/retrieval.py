"""Find passages: BM25 (bm25s) and dense search (Chroma) fused by reciprocal rank, newest page winning.

The whole index (a few hundred chunks) is held in memory for BM25 and for the dense scores of keyword-only
hits; the dense ranking itself comes from Chroma. Chunks that a newer page contradicts (see
ingest/supersede.py) never appear: their newer replacement takes their place.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer

from helpdesk import store
from helpdesk.abstain import Evidence, evidence
from helpdesk.embedding import Embedder
from helpdesk.extractive import plain, unit_texts
from helpdesk.schema import Chunk, Passage
from helpdesk.settings import Settings

log = logging.getLogger(__name__)
# The defaults of HELPDESK_RETRIEVAL_CANDIDATES and HELPDESK_RRF_K (helpdesk/settings.py says why these values).
CANDIDATES = Settings.default("retrieval_candidates")
DIMENSIONS = 384
RRF_K = Settings.default("rrf_k")
_stemmer = Stemmer.Stemmer("english")


def _tokenize(texts: list[str]):
    return bm25s.tokenize(texts, stopwords="en_plus", stemmer=_stemmer, show_progress=False)


# Subscribers' words for things the docs name otherwise; appended to the query for keyword search and for
# the abstention evidence (the embedding already knows most synonyms, BM25 does not).
SUPPORT_SYNONYMS = {
    "money back": "refund", "reimburs": "refund", "charged twice": "billing refund",
    "how much does": "price", "how much is": "price", "cost": "price pricing", "expensive": "price",
    "limit": "quota", "allowance": "quota", "run out": "quota exhausted", "used up": "quota exhausted",
    "stop paying": "cancel subscription", "unsubscribe": "cancel subscription", "auto-renew": "renewal",
    "invite": "referral invitation", "referr": "invitation credits", "endpoint": "base url",
}


def expand(query: str) -> str:
    """The query plus the docs' words for what it says ("money back" -> also "refund")."""
    lowered = query.lower()
    extra = [canonical for phrase, canonical in SUPPORT_SYNONYMS.items() if phrase in lowered]
    return f"{query} {' '.join(extra)}" if extra else query


PHRASE_FIRST = 2  # passages holding a phrase the subscriber copied from a screen, put first
RARE_SHARE = 0.02  # a term in at most 2% of the passages (or 3) is a rare one


def translate(query: str) -> str:
    """The query in the docs' words ("money back" -> "refund"), so the user's phrasing is not counted as unknown."""
    lowered = query.lower()
    for phrase, canonical in SUPPORT_SYNONYMS.items():
        lowered = lowered.replace(phrase, f" {canonical} ")
    return lowered


def terms(text: str) -> list[str]:
    """The stemmed content words of a text, as BM25 sees them."""
    tokens = _tokenize([text])
    words = {n: w for w, n in tokens.vocab.items()}
    return [words[n] for n in tokens.ids[0]]


def _keyword_text(chunk: Chunk) -> str:
    # The question of an FAQ pair counts twice: a subscriber's words are closer to the question than the answer.
    return "\n".join(filter(None, (chunk.question, chunk.question, chunk.section, chunk.text)))


def rrf(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class Retriever:
    collection: object
    chunks: list[Chunk]
    vectors: np.ndarray
    bm25: bm25s.BM25
    positions: dict[str, int]
    chunk_terms: list[set[str]]
    vocabulary: frozenset[str]
    question_vectors: dict[int, np.ndarray]  # FAQ chunks: the embedding of the question alone
    unit_vectors: list[np.ndarray]  # per chunk: one row per answer unit (helpdesk.extractive.units), in order
    embedder: Embedder  # the query side of the model the build was embedded with
    candidates: int = CANDIDATES  # per ranking, before the fusion
    rrf_k: int = RRF_K
    _frequency: dict[str, int] | None = None  # passages holding each term, counted on first use
    _plain: list[str] | None = None  # each passage's words, lowercased, for finding a copied phrase; made on first use

    @classmethod
    def from_collection(cls, collection, embedder: Embedder) -> "Retriever":
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        stored = [{key: m.pop(key, None) for key in store.VECTOR_KEYS} for m in got["metadatas"]]
        chunks = [Chunk.from_stored(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        unit_vectors, question_vectors = _answer_vectors(collection.name, chunks, stored, embedder)
        tokens = _tokenize([_keyword_text(c) for c in chunks])
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        words = {n: w for w, n in tokens.vocab.items()}
        chunk_terms = [{words[n] for n in ids} for ids in tokens.ids]
        return cls(collection=collection, chunks=chunks, vectors=np.asarray(got["embeddings"], dtype=np.float32),
                   bm25=bm25, positions={c.id: n for n, c in enumerate(chunks)}, chunk_terms=chunk_terms,
                   vocabulary=frozenset(tokens.vocab), question_vectors=question_vectors, unit_vectors=unit_vectors,
                   embedder=embedder)

    def evidence(self, question: str, passages: list[Passage]) -> Evidence:
        return evidence(terms(translate(question)), self.vocabulary, passages,
                        [self.chunk_terms[self.positions[p.chunk.id]] for p in passages])

    def rare(self, term: str) -> bool:
        """A stemmed word few passages hold ("entrypoint", "z_ai_mode", "mp4"), unlike "plan" or "key": a word the
        message and a sentence share that says they are about the same thing."""
        if self._frequency is None:
            counts: dict[str, int] = {}
            for chunk_terms in self.chunk_terms:
                for word in chunk_terms:
                    counts[word] = counts.get(word, 0) + 1
            self._frequency = counts
        return 0 < self._frequency.get(term, 0) <= max(3, len(self.chunks) * RARE_SHARE)

    @property
    def build(self) -> str:
        return self.collection.name

    def embed(self, query: str) -> np.ndarray:
        return self.embedder.query(query)

    def dense_ranking(self, query_vector: np.ndarray, n: int) -> list[int]:
        hits = self.collection.query(query_embeddings=[query_vector.tolist()], n_results=min(n, len(self.chunks)),
                                     include=[])
        return [self.positions[i] for i in hits["ids"][0]]

    def keyword_ranking(self, query: str, n: int) -> list[int]:
        tokens = _tokenize([expand(query)])
        if not tokens.vocab:  # nothing but stop words
            return []
        docs, scores = self.bm25.retrieve(tokens, k=min(n, len(self.chunks)), show_progress=False)
        return [int(d) for d, s in zip(docs[0], scores[0]) if s > 0]

    def search(self, query: str, k: int = 5, mode: str = "hybrid", prefer: tuple[str, ...] = (),
               phrases: tuple[str, ...] = ()) -> list[Passage]:
        """Top-k passages; `mode` is hybrid (the product), dense or keyword (for measuring the fusion).

        `prefer`: documents the message names (the tool's page, the MCP server's page); their passages, ranked by
        closeness, join the fusion as one more ranking, so the named tool's page wins over a look-alike page.
        `phrases`: words the subscriber copied from a screen ("Do you want to use this API key"); a passage that holds
        one verbatim is about that screen, whatever the story around it: it comes first (at most PHRASE_FIRST of them).
        """
        query_vector = self.embed(query)
        rankings = []
        if mode in ("hybrid", "dense"):
            rankings.append(self.dense_ranking(query_vector, self.candidates))
        if mode in ("hybrid", "keyword"):
            rankings.append(self.keyword_ranking(query, self.candidates))
        similarity = self.vectors @ query_vector
        if prefer:
            named = [n for n in np.argsort(-similarity) if self.chunks[n].doc_id in prefer]
            rankings.append([int(n) for n in named[:self.candidates]])
        fused = rrf(rankings, self.rrf_k)
        if phrases:
            plain_texts = self._plain_texts()
            held = {int(n): sum(p in plain_texts[n] for p in phrases) for n in np.argsort(-similarity)}
            # the passages holding the most of what they copied or named first, then the closest
            holding = sorted((n for n, count in held.items() if count), key=lambda n: -held[n])[:PHRASE_FIRST]
            top = fused[0][1] if fused else 0.0  # first, at the fusion's best score: no score of their own is made up
            fused = [(n, top) for n in holding] + [(n, s) for n, s in fused if n not in holding]
        passages: list[Passage] = []
        seen: set[int] = set()
        for position, score in fused:
            for current in self._current(position):
                if current not in seen:
                    seen.add(current)
                    passages.append(Passage(self.chunks[current], score=score, dense=float(similarity[current]),
                                            unit_vectors=self.unit_vectors[current],
                                            question_vector=self.question_vectors.get(current)))
            if len(passages) >= k:
                break
        return passages[:k]

    def _plain_texts(self) -> list[str]:
        if self._plain is None:
            self._plain = [plain(c.text) for c in self.chunks]
        return self._plain

    def _current(self, position: int) -> list[int]:
        """The chunk itself, or the newer chunks that replace it when a newer page contradicts it."""
        chunk = self.chunks[position]
        if not chunk.superseded_by:
            return [position]
        return [self.positions[i] for i in chunk.superseded_by.split(",") if i in self.positions]


def _answer_vectors(build: str, chunks: list[Chunk], stored: list[dict], encoder: Embedder
                    ) -> tuple[list[np.ndarray], dict[int, np.ndarray]]:
    """The unit and FAQ-question vectors ingestion stored with each chunk. A build made before they were stored
    (or by another unit splitting) gets the missing ones computed here, once per load, with a log line saying
    that `python -m ingest` makes this unnecessary."""
    units = [store.unpack(s[store.UNIT_VECTORS], DIMENSIONS) for s in stored]
    questions = {n: store.unpack(s[store.QUESTION_VECTOR], DIMENSIONS) for n, s in enumerate(stored)}
    texts = {n: unit_texts(c.text) for n, c in enumerate(chunks)}
    stale_units = [n for n, v in enumerate(units) if v is None or len(v) != len(texts[n])]
    stale_questions = [n for n, c in enumerate(chunks) if c.question and questions[n] is None]
    if stale_units or stale_questions:
        log.warning("the index %s lacks the answer vectors of %d chunks (built before they were stored); embedding "
                    "them now, once. Run `python -m ingest` to store them and make loading fast.",
                    build, len(set(stale_units) | set(stale_questions)))
        for n in stale_units:
            units[n] = encoder.embed(texts[n]) if texts[n] else np.zeros((0, DIMENSIONS), dtype=np.float32)
        if stale_questions:
            for n, vector in zip(stale_questions, encoder.embed([chunks[n].question for n in stale_questions])):
                questions[n] = vector
    question_vectors = {n: np.asarray(v, dtype=np.float32).reshape(DIMENSIONS)
                        for n, v in questions.items() if chunks[n].question and v is not None}
    return units, question_vectors


class Index:
    """One Helpdesk's connection to the index, and the retriever of its active build: reloaded when
    `python -m ingest` switches builds, and reconnected when the embedded index was deleted and built again
    (`rm -rf .index && python -m ingest` while this process runs): the old connection would go on reading the
    deleted files."""

    def __init__(self, settings: Settings, embedder: Embedder):
        self.settings, self.embedder = settings, embedder
        self.lock = threading.Lock()  # held while connecting and loading (a test holds it to keep loads waiting)
        self._client = None  # reused: building a Chroma client costs ~30 ms (settings parsing)
        self._identity = None  # identity of the index files the client connected to
        self._retriever: Retriever | None = None

    @property
    def where(self) -> tuple:
        """What tells two indexes apart: settings that agree on it can share one Index."""
        s = self.settings
        return (s.index_dir, s.chroma_host, s.chroma_port, s.collection)

    @property
    def loaded(self) -> Retriever | None:
        """The retriever loaded last, without checking the index on disk (None before the first load)."""
        return self._retriever

    def retriever(self) -> Retriever:
        settings = self.settings
        identity = store.identity(settings)
        with self.lock:
            if self._client is not None and self._identity != identity:
                self._client = self._retriever = self._identity = None
                store.forget(settings)  # Chroma's shared client for the old files: close it, connect afresh
        if identity is None and not settings.server_mode:
            raise store.IndexUnavailable(f"no index in {settings.index_dir}; build it with `python -m ingest` "
                                         "(or `make index`)")
        with self.lock:
            client = self._client
        if client is None:
            client = store.connect(settings)
            with self.lock:
                if self._client is None:
                    self._client, self._identity = client, identity
                client = self._client
        collection = store.active_build(client, settings)
        if collection is None:
            where = (f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}" if settings.server_mode
                     else str(settings.index_dir))
            raise store.IndexUnavailable(f"no index in {where}; build it with `python -m ingest` (or `make index`)")
        with self.lock:
            if self._retriever is None or self._retriever.build != collection.name:
                self._retriever = Retriever.from_collection(collection, self.embedder)
            return self._retriever
