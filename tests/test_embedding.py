"""The ONNX runtime reproduces sentence-transformers, ingestion stores every answer vector, answering embeds only
the question and never imports torch. Real model, real Chroma, real subprocesses; no timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from helpdesk import store
from helpdesk.core import Helpdesk
from helpdesk.embedding import Embedder, Encoder
from helpdesk.extractive import compose, unit_texts
from helpdesk.retrieval import Retriever
from helpdesk.schema import Passage
from helpdesk.settings import PROJECT_ROOT, Settings
from ingest.chunker import chunk_document, embedding_text
from ingest.documents import load_corpus
from ingest.indexer import run
from tests.conftest import CORPUS, settings_for


class RecordingEncoder(Encoder):
    """The real encoder, noting every batch of texts it is given (as the fake LLM server notes its requests)."""

    def __init__(self, settings: Settings):
        super().__init__(settings.embedding_runtime, settings.model_cache_dir)
        self.seen: list[list[str]] = []

    def embed(self, texts, **kw):
        self.seen.append(list(texts))
        return super().embed(texts, **kw)


def corpus_texts(limit: int = 160) -> list[str]:
    chunks = [c for d in load_corpus(CORPUS) for c in chunk_document(d)]
    units = list(dict.fromkeys(t for c in chunks for t in unit_texts(c.text)))
    picked = [embedding_text(c) for c in chunks[::max(1, len(chunks) // (limit // 2))]]
    return picked + units[::max(1, len(units) // (limit // 2))]


def test_onnx_reproduces_sentence_transformers_on_the_corpus():
    texts = corpus_texts()
    settings = Settings.from_env({})
    reference = Encoder("torch", settings.model_cache_dir).embed(texts)
    onnx = Encoder("onnx", settings.model_cache_dir).embed(texts)
    cosines = (reference * onnx).sum(axis=1)
    assert onnx.shape == reference.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert cosines.min() > 0.9999, f"lowest cosine {cosines.min():.6f}"


def test_batching_by_length_keeps_every_row_in_its_place():
    texts = ["short", "a much longer sentence about the GLM Coding Plan quota every five hours " * 5, "mid length"]
    settings = Settings.from_env({})
    encoder = Encoder(settings.embedding_runtime, settings.model_cache_dir)
    together = encoder.embed(texts, batch_size=2)
    alone = np.vstack([encoder.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_a_bad_runtime_is_a_clear_error():
    from helpdesk.settings import SettingsError

    with pytest.raises(SettingsError, match="HELPDESK_EMBEDDING_RUNTIME"):
        Settings.from_env({"HELPDESK_EMBEDDING_RUNTIME": "gpu"})


def test_every_answer_unit_and_faq_question_is_stored_with_the_build(helpdesk, real_settings):
    collection = store.active_build(store.connect(real_settings), real_settings)
    got = collection.get(include=["documents", "metadatas"])
    encoder = helpdesk.embedder.encoder
    for text, meta in zip(got["documents"], got["metadatas"]):
        vectors = store.unpack(meta[store.UNIT_VECTORS], 384)
        assert len(vectors) == len(unit_texts(text))
        assert (store.QUESTION_VECTOR in meta) == bool(meta["question"])
    # and they are the vectors of those texts, not of something else
    faq = next(m for m, t in zip(got["metadatas"], got["documents"]) if m["question"] and unit_texts(t))
    text = got["documents"][got["metadatas"].index(faq)]
    assert np.allclose(store.unpack(faq[store.UNIT_VECTORS], 384), encoder.embed(unit_texts(text)), atol=1e-4)
    assert np.allclose(store.unpack(faq[store.QUESTION_VECTOR], 384)[0], encoder.embed([faq["question"]])[0],
                       atol=1e-4)
    assert collection.metadata[store.EMBEDDER] == encoder.name


def test_unchanged_chunks_carry_their_answer_vectors_over(tmp_path, small_corpus):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    before = _stored(settings)
    path = small_corpus / "devpack-tool-cline.md"
    path.write_text(path.read_text(encoding="utf-8").replace("204800", "131072"), encoding="utf-8")
    recording = RecordingEncoder(settings)
    summary = run(settings, log=lambda _: None, progress=False, encoder=recording)
    embedded = [text for batch in recording.seen for text in batch]
    after = _stored(settings)
    assert summary.embedded == 1
    # the edited chunk's own text and its one changed sentence; its other sentences were known already
    assert len(embedded) == 2 and all("131072" in text for text in embedded)
    kept = set(before) & set(after)
    assert len(kept) == len(after) - 1
    assert all(before[i] == after[i] for i in kept)


def _stored(settings) -> dict[str, str]:
    got = store.active_build(store.connect(settings), settings).get(include=["metadatas"])
    return {i: m[store.UNIT_VECTORS] for i, m in zip(got["ids"], got["metadatas"])}


def test_answering_embeds_the_question_only(retriever, real_settings):
    question = "How do I install the Cline extension in VS Code, step by step?"
    passages = retriever.search(question, k=5)
    recording = RecordingEncoder(real_settings)  # a fresh embedder: the question is not remembered yet
    embedder = Embedder(real_settings.embedding_runtime, real_settings.model_cache_dir, encoder=recording)
    text, used = compose(question, passages, embedder)
    assert text and used
    assert recording.seen == [[question]]


def test_a_hand_built_passage_still_gets_an_answer(retriever):
    chunk = next(c for c in retriever.chunks if c.doc_id == "devpack-tool-cline" and len(unit_texts(c.text)) > 2)
    text, used = compose("How do I install Cline?", [Passage(chunk, score=1.0)], retriever.embedder)
    assert text and used == [0]


def test_a_build_made_before_answer_vectors_were_stored_still_answers(tmp_path, small_corpus, caplog):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    collection = store.active_build(store.connect(settings), settings)
    got = collection.get(include=["metadatas"])
    # What an index built by the previous version looks like: no unit or question vectors in the metadata.
    collection.update(ids=got["ids"], metadatas=[{k: v for k, v in m.items() if k not in store.VECTOR_KEYS} | {
        store.UNIT_VECTORS: None, store.QUESTION_VECTOR: None} for m in got["metadatas"]])
    stripped = collection.get(include=["metadatas"])["metadatas"]
    assert not any(m.get(store.UNIT_VECTORS) for m in stripped)
    with caplog.at_level("WARNING"):
        old = Retriever.from_collection(collection, Embedder.from_settings(settings))
    assert "python -m ingest" in caplog.text
    fresh = run(settings, log=lambda _: None, progress=False)  # re-ingesting stores them again
    assert fresh.embedded > 0
    new = Helpdesk.from_settings(settings).retriever()
    for n, chunk in enumerate(old.chunks):
        assert np.allclose(old.unit_vectors[n], new.unit_vectors[new.positions[chunk.id]], atol=1e-4)


def test_a_new_process_answers_without_importing_torch(real_settings):
    script = ("import sys, json\n"
              "from helpdesk.core import Helpdesk\n"
              "a = Helpdesk.from_settings().answer('How do I install the Cline extension?')\n"
              "print(json.dumps({'route': a.route, 'torch': 'torch' in sys.modules,"
              " 'transformers': 'transformers' in sys.modules}))\n")
    env = {**os.environ, "HELPDESK_INDEX_DIR": str(real_settings.index_dir), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"route": "retrieval", "torch": False, "transformers": False}
