"""Ingestion against a real embedded Chroma: the real corpus, bad files, idempotency, interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from helpdesk import store
from helpdesk.answer import answer
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


def test_one_build_remains_after_runs(tmp_path, small_corpus):
    settings = settings_for(tmp_path / "index", small_corpus)
    run(settings, log=lambda _: None, progress=False)
    (small_corpus / "help-center-faq.md").unlink()
    run(settings, log=lambda _: None, progress=False)
    names = [c if isinstance(c, str) else c.name for c in store.connect(settings).list_collections()]
    assert len([n for n in names if n.startswith(store.build_prefix(settings))]) == 1


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
    result = answer("Why can I not recharge using a credit card?", settings=settings)
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
    result = answer("Why can I not recharge using a credit card?", settings=settings)
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
