"""Ingestion against a real embedded Chroma: the real corpus, bad files, idempotency, interruption."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from helpdesk import store
from helpdesk.core import Helpdesk
from helpdesk.schema import Chunk
from helpdesk.settings import PROJECT_ROOT
from ingest.__main__ import main as ingest_main
from ingest.documents import CorpusError
from ingest.indexer import run
from tests.conftest import CORPUS, settings_for


def active_ids(settings) -> set[str]:
    collection = store.active_build(store.connect(settings), settings)
    return set(collection.get(include=[])["ids"])


def test_real_corpus_is_indexed_with_metadata(real_settings):
    collection = store.active_build(store.connect(real_settings), real_settings)
    got = collection.get(include=["metadatas"])
    docs = {m["doc_id"] for m in got["metadatas"]}
    assert docs == {p.stem for p in CORPUS.glob("*.md")}
    faq = [m for m in got["metadatas"] if m["doc_id"] == "devpack-faq"]
    assert all(m["as_of"] == "2026-02-12" and m["source"] == "https://docs.z.ai/devpack/faq" for m in faq)
    assert sum(1 for m in faq if m["question"]) >= 20
    assert {"title", "section", "position"} <= set(faq[0])


def test_the_build_is_a_llama_index_chroma_vector_store(real_settings):
    """Written through ChromaVectorStore, a build reads back as llama-index nodes, with the chunk's fields."""
    from llama_index.core.vector_stores import VectorStoreQuery
    from llama_index.vector_stores.chroma import ChromaVectorStore

    collection = store.active_build(store.connect(real_settings), real_settings)
    got = collection.get(include=["embeddings", "metadatas", "documents"])
    n = next(n for n, m in enumerate(got["metadatas"]) if m["doc_id"] == "devpack-faq" and m["question"])
    meta = got["metadatas"][n]
    found = ChromaVectorStore(chroma_collection=collection).query(
        VectorStoreQuery(query_embedding=[float(x) for x in got["embeddings"][n]], similarity_top_k=3))
    node = found.nodes[0]
    assert (node.node_id, node.get_content(), node.ref_doc_id) == (got["ids"][n], got["documents"][n], "devpack-faq")
    assert node.metadata == Chunk.from_stored(got["ids"][n], got["documents"][n], meta).metadata()
    assert found.similarities[0] == pytest.approx(1.0, abs=1e-4)
    # The answer vectors are stored once, beside the node, not again in the store's JSON copy of it.
    assert store.UNIT_VECTORS in meta and store.QUESTION_VECTOR in meta
    assert not set(store.VECTOR_KEYS) & set(json.loads(meta["_node_content"])["metadata"])


def test_second_run_embeds_nothing_and_keeps_the_build(tmp_path, small_corpus):
    settings = settings_for(tmp_path / "index", small_corpus)
    first = run(settings, log=lambda _: None, progress=False)
    second = run(settings, log=lambda _: None, progress=False)
    assert first.embedded == first.chunks > 0
    assert (second.embedded, second.added, second.removed, second.unchanged) == (0, 0, 0, first.chunks)
    assert second.collection == first.collection


def test_changed_file_replaces_only_its_chunks(tmp_path, small_corpus):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    before = active_ids(settings)
    path = small_corpus / "devpack-tool-cline.md"
    path.write_text(path.read_text(encoding="utf-8").replace("204800", "131072"), encoding="utf-8")
    summary = run(settings, log=lambda _: None, progress=False)
    after = active_ids(settings)
    changed = before ^ after
    assert summary.embedded == summary.added == summary.removed == 1
    assert all(chunk_id.startswith("devpack-tool-cline:") for chunk_id in changed)
    assert {i for i in before if not i.startswith("devpack-tool-cline:")} <= after


def test_deleted_file_loses_its_chunks(tmp_path, small_corpus):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    (small_corpus / "help-center-faq.md").unlink()
    summary = run(settings, log=lambda _: None, progress=False)
    assert summary.embedded == 0 and summary.removed > 0
    assert not any(i.startswith("help-center-faq:") for i in active_ids(settings))


def test_the_active_build_and_the_one_it_replaced_remain_after_runs(tmp_path, small_corpus):
    # The replaced build is kept one generation for readers in other processes (tests/test_replicas.py).
    settings = settings_for(tmp_path / "index", small_corpus)
    made = [run(settings, log=lambda _: None, progress=False).collection]
    for name in ("help-center-faq.md", "devpack-tool-cline.md"):
        (small_corpus / name).unlink()
        made.append(run(settings, log=lambda _: None, progress=False).collection)
    names = [c if isinstance(c, str) else c.name for c in store.connect(settings).list_collections()]
    assert sorted(n for n in names if n.startswith(store.build_prefix(settings))) == sorted(made[-2:])


def test_bad_file_fails_with_its_name_and_leaves_the_index_answering(tmp_path, small_corpus, capsys, monkeypatch):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    before = active_ids(settings)
    (small_corpus / "broken.md").write_text("---\ntitle: Broken\nsource: https://docs.z.ai/x\n---\nbody\n")
    with pytest.raises(CorpusError, match=r"broken\.md.*as_of"):
        run(settings, log=lambda _: None, progress=False)
    monkeypatch.setenv("HELPDESK_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("HELPDESK_CORPUS_DIR", str(small_corpus))
    assert ingest_main(["--quiet"]) == 1
    assert "broken.md" in capsys.readouterr().err
    assert active_ids(settings) == before
    result = Helpdesk.from_settings(settings).answer("Why can I not recharge using a credit card?")
    assert result.route == "retrieval" and "3DS" in result.text


def test_killed_ingestion_leaves_the_previous_index_answering(tmp_path, small_corpus):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    before = active_ids(settings)
    # Change every document so the next run has real embedding work to be killed in the middle of.
    for path in small_corpus.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nAppendix: a paragraph added to force re-embedding.\n",
                        encoding="utf-8")
    env = {**os.environ, "HELPDESK_INDEX_DIR": str(settings.index_dir), "HELPDESK_CORPUS_DIR": str(small_corpus),
           "HELPDESK_WRITE_BATCH": "1", "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "ingest"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:  # tqdm's "\r" updates arrive as lines; kill in the middle of writing the new build
        if line.startswith("Writing:") and " 0/" not in line:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    client = store.connect(settings)
    builds = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    half_written = [n for n in builds if n.startswith(store.build_prefix(settings))
                    and n != store.active_build(client, settings).name]
    assert len(half_written) == 1  # the kill really landed mid-build
    assert 0 < client.get_collection(half_written[0]).count() < len(before) + 4
    assert active_ids(settings) == before
    result = Helpdesk.from_settings(settings).answer("Why can I not recharge using a credit card?")
    assert result.route == "retrieval" and "3DS" in result.text
    # The next run cleans up the half-written build and finishes the job.
    summary = run(settings, log=lambda _: None, progress=False)
    assert summary.added > 0 and active_ids(settings) != before


def test_cli_prints_progress_and_summary(tmp_path, small_corpus):
    env = {**os.environ, "HELPDESK_INDEX_DIR": str(tmp_path / "index"), "HELPDESK_CORPUS_DIR": str(small_corpus)}
    done = subprocess.run([sys.executable, "-m", "ingest"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Embedding" in done.stderr  # the progress bar
    assert "4 documents" in done.stdout and "added" in done.stdout and "removed" in done.stdout


def test_a_second_ingest_at_once_says_so_and_touches_nothing(tmp_path, small_corpus):
    from ingest.lock import ingest_lock

    settings = settings_for(tmp_path / "index", small_corpus)
    env = {**os.environ, "HELPDESK_INDEX_DIR": str(settings.index_dir), "HELPDESK_CORPUS_DIR": str(small_corpus)}
    with ingest_lock(settings):  # an ingestion in progress, in this process
        second = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert "another `python -m ingest` is already building the index" in second.stderr
    assert f"pid {os.getpid()}" in second.stderr
    assert not settings.index_dir.exists()  # it built nothing, dropped nothing
    first = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr  # the lock is gone with its holder


def deleted_files_open(under) -> list[str]:
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return [link for link in links if str(under) in link and link.endswith("(deleted)")]


def test_a_deleted_and_rebuilt_index_is_picked_up_by_a_running_server(tmp_path, small_corpus):
    """`rm -rf .index && python -m ingest` while the server runs: it notices, says so, then serves the new build."""
    import shutil
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from helpdesk.server import create_app

    settings = settings_for(tmp_path / "index", small_corpus)
    env = {**os.environ, "HELPDESK_INDEX_DIR": str(settings.index_dir), "HELPDESK_CORPUS_DIR": str(small_corpus)}
    app = create_app(replace(settings, feedback_db=tmp_path / "fb.sqlite3"), env={}, warm_up=False, rate_limit="off")
    question = {"question": "Why can I not recharge using a credit card?"}
    with TestClient(app) as client:
        subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=env, check=True, timeout=300)
        before = client.get("/readyz").json()
        assert before["status"] == "ready" and client.post("/v1/answer", json=question).status_code == 200

        shutil.rmtree(settings.index_dir)
        gone = client.get("/readyz")
        assert gone.status_code == 503 and "python -m ingest" in gone.json()["reason"]
        assert client.post("/v1/answer", json=question).status_code == 503
        assert not settings.index_dir.exists()  # the server did not make an empty index in its place

        subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=env, check=True, timeout=300)
        after = client.get("/readyz").json()
        result = client.post("/v1/answer", json=question).json()
    assert after["status"] == "ready" and after["build"] != before["build"]
    active = store.active_build(store.connect(settings), settings).name
    assert after["build"] == active  # readiness names the build actually served: the one now on disk
    assert result["route"] == "retrieval" and "3DS" in result["text"]
    assert deleted_files_open(settings.index_dir) == []  # nothing still read from the deleted files
