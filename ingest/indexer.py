"""Chunks -> embeddings -> a new Chroma build, switched in only when complete.

Unchanged chunks (same content id) carry their stored embedding over, so a re-run with no changes embeds
nothing and a changed file re-embeds only its own chunks.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Callable

import numpy as np
from tqdm import tqdm

from helpdesk import store
from helpdesk.embedding import get_embedder
from helpdesk.settings import Settings
from ingest.chunker import chunk_document, embedding_text
from ingest.documents import load_corpus
from ingest.lock import ingest_lock
from ingest.supersede import mark_superseded


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


def run(settings: Settings, log: Callable[[str], None] = print, progress: bool = True) -> Summary:
    """Build or refresh the index; raises IngestBusy at once when another ingestion of it is running."""
    with ingest_lock(settings):
        return _run(settings, log, progress)


def _run(settings: Settings, log: Callable[[str], None], progress: bool) -> Summary:
    started = time.perf_counter()
    documents = load_corpus(settings.corpus_dir)  # every file validated before the index is touched
    chunks = mark_superseded([chunk for doc in documents for chunk in chunk_document(doc)])
    log(f"Loaded {len(documents)} documents from {settings.corpus_dir}: {len(chunks)} chunks")

    client = store.connect(settings)
    store.drop_stale_builds(client, settings)  # leftovers of an interrupted run
    current = store.active_build(client, settings)
    stored: dict[str, list[float]] = {}
    if current is not None:
        got = current.get(include=["embeddings"])
        stored = dict(zip(got["ids"], got["embeddings"]))

    wanted = {chunk.id for chunk in chunks}
    fresh = [chunk for chunk in chunks if chunk.id not in stored]
    removed = len(set(stored) - wanted)
    unchanged = len(chunks) - len(fresh)

    if current is not None and not fresh and not removed:
        summary = Summary(len(documents), len(chunks), 0, unchanged, 0, 0, time.perf_counter() - started, current.name)
        log(f"Index is up to date. {summary}")
        return summary

    vectors = dict(stored)
    if fresh:
        embedder = get_embedder()
        batches = range(0, len(fresh), embedder.embed_batch_size)
        for start in tqdm(batches, desc="Embedding", unit="batch", disable=not progress):
            batch = fresh[start:start + embedder.embed_batch_size]
            for chunk, vector in zip(batch, embedder.get_text_embedding_batch([embedding_text(c) for c in batch])):
                vectors[chunk.id] = vector

    build = store.new_build(client, settings, time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6])
    step = max(1, settings.write_batch)
    for start in tqdm(range(0, len(chunks), step), desc="Writing", unit="batch", disable=not progress):
        batch = chunks[start:start + step]
        build.add(ids=[c.id for c in batch],
                  embeddings=np.asarray([vectors[c.id] for c in batch], dtype=np.float32),
                  documents=[c.text for c in batch], metadatas=[c.metadata() for c in batch])
    if build.count() != len(chunks):
        raise RuntimeError(f"build {build.name} holds {build.count()} chunks, expected {len(chunks)}; "
                           "the previous index is still active. Run `python -m ingest` again.")
    store.activate(client, settings, build)
    store.drop_stale_builds(client, settings)
    summary = Summary(len(documents), len(chunks), len(fresh), unchanged, removed, len(fresh),
                      time.perf_counter() - started, build.name)
    log(f"Done. {summary}")
    return summary
