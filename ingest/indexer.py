"""Chunks -> embeddings -> a new Chroma build, switched in only when complete.

Besides each chunk's embedding, the build stores the vectors the offline answer compares the question with:
one per answer unit of the chunk (sentence, list item, table row, code block: `helpdesk.extractive.units`, the
one splitting both use) and, for an FAQ pair, its question; so answering embeds the question only.

Unchanged chunks (same content id) carry their stored vectors over, so a re-run with no changes embeds nothing
and a changed file re-embeds only its own chunks. A text that occurs twice (overlapping prose, a repeated
sentence) is embedded once. Texts are embedded in batches of similar length (short sentences are not padded
to the longest passage). A build made by another runtime or unit splitting is re-embedded whole.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from typing import Callable

import numpy as np
from tqdm import tqdm

from helpdesk import store
from helpdesk.embedding import Encoder, encoder_name
from helpdesk.extractive import unit_texts
from helpdesk.settings import Settings
from ingest.chunker import chunk_document, embedding_text
from ingest.documents import load_corpus
from ingest.lock import ingest_lock
from ingest.supersede import mark_superseded

DIMENSIONS = 384
UNITS_VERSION = 1  # bump when `helpdesk.extractive.units` splits differently: stored unit vectors then re-embed


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
    chunks = mark_superseded([chunk for doc in documents for chunk in chunk_document(doc)])
    log(f"Loaded {len(documents)} documents from {settings.corpus_dir}: {len(chunks)} chunks")

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

    wanted = {chunk.id for chunk in chunks}
    fresh = [chunk for chunk in chunks if chunk.id not in stored]
    removed = len(set(current.get(include=[])["ids"]) - wanted) if current is not None else 0
    unchanged = len(chunks) - len(fresh)

    if current is not None and not fresh and not removed:
        summary = Summary(len(documents), len(chunks), 0, unchanged, 0, 0, time.perf_counter() - started, current.name)
        log(f"Index is up to date. {summary}")
        return summary

    vectors: dict[str, np.ndarray] = {}  # chunk id -> the chunk's embedding
    metadata: dict[str, dict] = {}  # chunk id -> its packed unit and question vectors
    for chunk_id, (embedding, meta, _) in stored.items():
        if chunk_id in wanted:
            vectors[chunk_id] = np.asarray(embedding, dtype=np.float32)
            metadata[chunk_id] = {key: meta[key] for key in store.VECTOR_KEYS if key in meta}
    if fresh:
        encoder = encoder or Encoder(settings.embedding_runtime, settings.model_cache_dir, threads=os.cpu_count() or 1)
        _embed(fresh, encoder, vectors, metadata, _known_units(stored), progress)

    # What the chat app's sidebar shows, readable without fetching every chunk's metadata.
    build_metadata |= {store.AS_OF: max(c.as_of for c in chunks), store.CHUNKS: len(chunks)}
    build = store.new_build(client, settings, time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
                            build_metadata)
    step = max(1, settings.write_batch)
    for start in tqdm(range(0, len(chunks), step), desc="Writing", unit="batch", disable=not progress):
        batch = chunks[start:start + step]
        build.add(ids=[c.id for c in batch],
                  embeddings=np.asarray([vectors[c.id] for c in batch], dtype=np.float32),
                  documents=[c.text for c in batch], metadatas=[c.metadata() | metadata[c.id] for c in batch])
    if build.count() != len(chunks):
        raise RuntimeError(f"build {build.name} holds {build.count()} chunks, expected {len(chunks)}; "
                           "the previous index is still active. Run `python -m ingest` again.")
    store.activate(client, settings, build)
    store.drop_stale_builds(client, settings)
    summary = Summary(len(documents), len(chunks), len(fresh), unchanged, removed, len(fresh),
                      time.perf_counter() - started, build.name)
    log(f"Done. {summary}")
    return summary


def _known_units(stored: dict) -> dict[str, np.ndarray]:
    """Unit text -> vector, from the current build: an edited chunk's unchanged sentences are not embedded again."""
    known: dict[str, np.ndarray] = {}
    for _, meta, text in stored.values():
        rows = store.unpack(meta.get(store.UNIT_VECTORS), DIMENSIONS)
        texts = unit_texts(text)
        if rows is not None and len(rows) == len(texts):
            known.update(zip(texts, rows))
    return known


def _embed(fresh: list, encoder: Encoder, vectors: dict, metadata: dict, known: dict[str, np.ndarray],
           progress: bool) -> None:
    """Embed the new chunks, their answer units and FAQ questions in one pass over the distinct texts not
    `known`, shortest first; fill `vectors` (chunk embeddings) and `metadata` (packed unit and question vectors)."""
    texts: dict[str, int] = {}  # distinct text -> row

    def row(text: str) -> int:
        return texts.setdefault(text, len(texts))

    plan = [(chunk, row(embedding_text(chunk)), [row(t) for t in unit_texts(chunk.text)],
             row(chunk.question) if chunk.question else None) for chunk in fresh]
    wanted = [t for t in texts if t not in known]
    with tqdm(total=len(wanted), desc="Embedding", unit="text", disable=not progress) as bar:
        fresh_rows = dict(zip(wanted, encoder.embed(wanted, progress=bar.update)))
    matrix = np.asarray([fresh_rows[t] if t in fresh_rows else known[t] for t in texts], dtype=np.float32)
    matrix = matrix.reshape(len(texts), DIMENSIONS)
    for chunk, own, unit_rows, question_row in plan:
        vectors[chunk.id] = matrix[own]
        metadata[chunk.id] = {store.UNIT_VECTORS: store.pack(matrix[unit_rows].reshape(-1, DIMENSIONS))}
        if question_row is not None:
            metadata[chunk.id][store.QUESTION_VECTOR] = store.pack(matrix[question_row])
