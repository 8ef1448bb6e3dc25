"""Corpus documents -> an IngestionPipeline (chunker, supersession, embedding) -> a new Chroma build, switched in
only when complete.

The pipeline is llama-index's `IngestionPipeline` over three transformations: `FAQNodeParser` (documents ->
chunk nodes), `Supersede` (marks chunks a newer page overrules) and `AnswerVectors` (the embeddings). The nodes
are written into a fresh build collection through llama-index's `ChromaVectorStore`; `store.activate` moves the
pointer to it only after every chunk is in, so a failed or killed run leaves the previous build answering.

Besides each chunk's embedding, the build stores the vectors the offline answer compares the question with:
one per answer unit of the chunk (sentence, list item, table row, code block: `helpdesk.extractive.units`, the
one splitting both use) and, for an FAQ pair, its question; so answering embeds the question only.

Unchanged chunks (same content id) carry their stored vectors over from the active build, so a re-run with no
changes embeds nothing and a changed file re-embeds only its own chunks. A text that occurs twice (overlapping
prose, a repeated sentence) is embedded once. Texts are embedded in batches of similar length (short sentences
are not padded to the longest passage). A build made by another runtime or unit splitting is re-embedded whole.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import BaseNode, TransformComponent
from pydantic import PrivateAttr
from tqdm import tqdm

from helpdesk import store
from helpdesk.embedding import Encoder, encoder_name
from helpdesk.extractive import unit_texts
from helpdesk.settings import Settings
from ingest.chunker import FAQNodeParser, embedding_text, node_chunk
from ingest.documents import load_corpus
from ingest.lock import ingest_lock
from ingest.supersede import Supersede

DIMENSIONS = 384
# Bump when `helpdesk.extractive.units` splits differently: stored unit vectors then re-embed. 2: blockquoted notes are
# units; 3: a long code block's commented command lines are units.
UNITS_VERSION = 3


@dataclass(frozen=True)
class Summary:
    documents: int
    chunks: int
    added: int
    unchanged: int
    removed: int
    embedded: int
    seconds: float
    collection: str

    def __str__(self) -> str:
        return (f"{self.documents} documents, {self.chunks} chunks: {self.added} added, {self.unchanged} unchanged, "
                f"{self.removed} removed; {self.embedded} embedded in {self.seconds:.1f} s (collection {self.collection})")


def run(settings: Settings, log: Callable[[str], None] = print, progress: bool = True,
        encoder: Encoder | None = None) -> Summary:
    """Build or refresh the index; raises IngestBusy at once when another ingestion of it is running. `encoder`:
    one already loaded (a test's that records what it embeds); by default the settings' runtime, loaded if needed."""
    with ingest_lock(settings):
        return _run(settings, log, progress, encoder)


def _run(settings: Settings, log: Callable[[str], None], progress: bool, encoder: Encoder | None) -> Summary:
    started = time.perf_counter()
    documents = load_corpus(settings.corpus_dir)  # every file validated before the index is touched
    log(f"Loaded {len(documents)} documents from {settings.corpus_dir}")

    client = store.connect(settings)
    store.drop_stale_builds(client, settings)  # leftovers of an interrupted run
    current = store.active_build(client, settings)
    build_metadata = {store.EMBEDDER: encoder_name(settings.embedding_runtime), store.UNITS_VERSION: UNITS_VERSION}
    stored: dict[str, tuple[list[float], dict, str]] = {}  # chunk id -> (embedding, metadata, text)
    if current is not None:
        made = current.metadata or {}
        if all(made.get(key) == value for key, value in build_metadata.items()):
            got = current.get(include=["embeddings", "metadatas", "documents"])
            stored = {i: (e, m, d) for i, e, m, d in zip(got["ids"], got["embeddings"], got["metadatas"],
                                                        got["documents"]) if store.UNIT_VECTORS in m}
        else:
            log(f"The index was built by {made.get(store.EMBEDDER) or 'an older version'}; re-embedding every "
                f"chunk with {build_metadata[store.EMBEDDER]}")

    vectors = AnswerVectors(runtime=settings.embedding_runtime, model_cache_dir=settings.model_cache_dir,
                            show_progress=progress, stored=stored, encoder=encoder)
    # llama-index's ingestion cache is off: it keys each step on the hash of *all* its input nodes, so one edited
    # file re-embeds the whole corpus. Measured on the four-document test corpus with one figure edited: the
    # cache re-embedded all 293 texts (18.8 s), the carry-over above 2 (1.9 s, new build written included); the
    # persisted cache also holds every node with its vectors again (2.5 MB for 47 chunks). Docstore dedup does not
    # fit either: it skips unchanged documents, but supersession must see every document, and each run writes a
    # complete new build.
    pipeline = IngestionPipeline(transformations=[FAQNodeParser(), Supersede(), vectors], disable_cache=True)
    nodes = pipeline.run(documents=documents)

    removed = len(set(current.get(include=[])["ids"]) - {node.node_id for node in nodes}) if current is not None else 0
    unchanged = len(nodes) - len(vectors.embedded)
    if current is not None and not vectors.embedded and not removed:
        summary = Summary(len(documents), len(nodes), 0, unchanged, 0, 0, time.perf_counter() - started, current.name)
        log(f"Index is up to date. {summary}")
        return summary

    # What the chat app's sidebar shows, readable without fetching every chunk's metadata.
    build_metadata |= {store.AS_OF: max(n.metadata["as_of"] for n in nodes), store.CHUNKS: len(nodes)}
    build = store.new_build(client, settings, time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
                            build_metadata)
    _write(build, nodes, max(1, settings.write_batch), progress)
    if build.count() != len(nodes):
        raise RuntimeError(f"build {build.name} holds {build.count()} chunks, expected {len(nodes)}; "
                           "the previous index is still active. Run `python -m ingest` again.")
    store.activate(client, settings, build)
    store.drop_stale_builds(client, settings)
    summary = Summary(len(documents), len(nodes), len(vectors.embedded), unchanged, removed, len(vectors.embedded),
                      time.perf_counter() - started, build.name)
    log(f"Done. {summary}")
    return summary


def _write(build, nodes: Sequence[BaseNode], step: int, progress: bool) -> None:
    """Write the nodes into the build through llama-index's ChromaVectorStore, in batches with a progress bar.

    The answer-unit and question vectors follow each batch as a metadata update of its chunks rather than in the
    nodes given to the store: ChromaVectorStore also keeps a JSON copy of each node's metadata (`_node_content`),
    and 4.5 MB of vectors stored twice would double what every answering process loads.
    """
    from llama_index.vector_stores.chroma import ChromaVectorStore  # only when a build is written: ~1 s of import

    vector_store = ChromaVectorStore(chroma_collection=build)
    for start in tqdm(range(0, len(nodes), step), desc="Writing", unit="batch", disable=not progress):
        batch = nodes[start:start + step]
        vector_store.add([node.model_copy(update={"metadata": {k: v for k, v in node.metadata.items()
                                                               if k not in store.VECTOR_KEYS}}) for node in batch])
        build.update(ids=[node.node_id for node in batch],
                     metadatas=[{k: node.metadata[k] for k in store.VECTOR_KEYS if k in node.metadata}
                                for node in batch])


class AnswerVectors(TransformComponent):
    """The embedding step: each chunk node gets its embedding, and in its metadata the packed vectors of its
    answer units (`store.UNIT_VECTORS`) and of its FAQ question (`store.QUESTION_VECTOR`).

    Hand-written rather than llama-index's `BaseEmbedding` transformation, which embeds one text per node: here a
    node needs several (its text, its units, its question), distinct texts across nodes are embedded once,
    shortest first, and a node whose id the active build holds carries its vectors over without embedding.
    """

    runtime: str
    model_cache_dir: Path
    show_progress: bool = False
    _stored: dict = PrivateAttr(default_factory=dict)
    _embedded: list = PrivateAttr(default_factory=list)
    _encoder: Any = PrivateAttr(default=None)

    def __init__(self, stored: dict | None = None, encoder: Encoder | None = None, **data: Any) -> None:
        super().__init__(**data)
        self._stored = stored or {}  # chunk id -> (embedding, metadata, text) in the active build
        self._encoder = encoder  # one already loaded (a test's that records what it embeds), else made on first need

    @classmethod
    def class_name(cls) -> str:
        return "AnswerVectors"

    @property
    def embedded(self) -> list[str]:
        """Ids of the chunks the last call embedded (the others were carried over)."""
        return self._embedded

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        fresh = []
        for node in nodes:
            # Vectors are data for the answer, not words to embed or show a model.
            node.excluded_embed_metadata_keys = sorted(set(node.excluded_embed_metadata_keys) | set(store.VECTOR_KEYS))
            node.excluded_llm_metadata_keys = sorted(set(node.excluded_llm_metadata_keys) | set(store.VECTOR_KEYS))
            kept = self._stored.get(node.node_id)
            if kept is None:
                fresh.append(node)
                continue
            embedding, meta, _ = kept
            node.embedding = np.asarray(embedding, dtype=np.float32).tolist()
            node.metadata.update({key: meta[key] for key in store.VECTOR_KEYS if key in meta})
        if fresh:
            if self._encoder is None:
                self._encoder = Encoder(self.runtime, self.model_cache_dir, threads=os.cpu_count() or 1)
            _embed(fresh, self._encoder, _known_units(self._stored), self.show_progress)
        self._embedded = [node.node_id for node in fresh]
        return nodes


def _known_units(stored: dict) -> dict[str, np.ndarray]:
    """Unit text -> vector, from the current build: an edited chunk's unchanged sentences are not embedded again."""
    known: dict[str, np.ndarray] = {}
    for _, meta, text in stored.values():
        rows = store.unpack(meta.get(store.UNIT_VECTORS), DIMENSIONS)
        texts = unit_texts(text)
        if rows is not None and len(rows) == len(texts):
            known.update(zip(texts, rows))
    return known


def _embed(fresh: list[BaseNode], encoder: Encoder, known: dict[str, np.ndarray], progress: bool) -> None:
    """Embed the new chunk nodes, their answer units and FAQ questions in one pass over the distinct texts not
    `known`, shortest first; set each node's embedding and its packed unit and question vectors."""
    texts: dict[str, int] = {}  # distinct text -> row

    def row(text: str) -> int:
        return texts.setdefault(text, len(texts))

    plan = []
    for node in fresh:
        chunk = node_chunk(node)
        plan.append((node, row(embedding_text(chunk)), [row(t) for t in unit_texts(chunk.text)],
                     row(chunk.question) if chunk.question else None))
    wanted = [t for t in texts if t not in known]
    with tqdm(total=len(wanted), desc="Embedding", unit="text", disable=not progress) as bar:
        fresh_rows = dict(zip(wanted, encoder.embed(wanted, progress=bar.update)))
    matrix = np.asarray([fresh_rows[t] if t in fresh_rows else known[t] for t in texts], dtype=np.float32)
    matrix = matrix.reshape(len(texts), DIMENSIONS)
    for node, own, unit_rows, question_row in plan:
        node.embedding = matrix[own].tolist()
        node.metadata[store.UNIT_VECTORS] = store.pack(matrix[unit_rows].reshape(-1, DIMENSIONS))
        if question_row is not None:
            node.metadata[store.QUESTION_VECTOR] = store.pack(matrix[question_row])
