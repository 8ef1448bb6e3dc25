"""Several API replicas on one Chroma server and one PostgreSQL database, all real and started here: the docs are
re-ingested while a bounded load runs across two `python -m helpdesk serve` processes; no request fails, every
rating is stored once, and both replicas serve the new build afterwards without a restart."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from eval import load_test
from helpdesk import store
from helpdesk.convlog import ConversationLog
from helpdesk.feedback import FeedbackStore
from helpdesk.core import Helpdesk
from helpdesk.settings import PROJECT_ROOT
from ingest.indexer import run
from tests.conftest import settings_for
from tests.postgres import new_database
from tests.test_server_mode import chroma_server  # noqa: F401 (a fixture: a real `chroma run` on loopback)

# Questions the small corpus answers from retrieval (so every request reads the build from Chroma).
QUESTIONS = ["Why can I not recharge using a credit card?", "How do I configure Cline for the GLM Coding Plan?",
             "Which models does the GLM Coding Plan support?", "Is there a weekly quota and when does it reset?"]
MARKER = "Replica switch marker: the credit card page was rewritten for this test."


def change_a_document(corpus: Path) -> None:
    """A real change: new text in a FAQ answer, so the next ingest makes a new build."""
    page = corpus / "help-center-faq.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n\n## Replica test\n\n{MARKER}\n", encoding="utf-8")


def builds(settings) -> list[str]:
    names = [c if isinstance(c, str) else c.name for c in store.connect(settings).list_collections()]
    return sorted(n for n in names if n.startswith(store.build_prefix(settings)))


def test_a_reader_of_the_replaced_build_finishes_after_a_reingest(tmp_path, small_corpus, chroma_server):  # noqa: F811
    """The race a replica meets: it took the build a moment before `python -m ingest` switched the pointer, and
    reads it a moment after. The replaced build stays until the next ingest, so that read succeeds."""
    settings = settings_for(tmp_path / "unused", small_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    run(settings, log=lambda _: None, progress=False)
    helpdesk = Helpdesk.from_settings(settings)  # a replica
    before = helpdesk.retriever()  # what a replica's request holds
    change_a_document(small_corpus)
    switched = run(settings, log=lambda _: None, progress=False)
    assert switched.collection != before.build
    assert before.search("Why can I not recharge using a credit card?")  # the replaced build still answers
    assert helpdesk.retriever().build == switched.collection  # the next request reads the new one
    assert builds(settings) == sorted([before.build, switched.collection])
    page = small_corpus / "devpack-overview.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nOne more paragraph for a third build.\n", encoding="utf-8")
    third = run(settings, log=lambda _: None, progress=False)
    assert builds(settings) == sorted([switched.collection, third.collection])  # two generations, never more


def ready_build(base: str) -> str | None:
    response = httpx.get(f"{base}/readyz", timeout=30)
    return response.json().get("build") if response.status_code == 200 else None


def test_two_replicas_switch_builds_under_load_without_a_failed_request(
        tmp_path, small_corpus, chroma_server, postgres_server):  # noqa: F811 (chroma_server: the fixture)
    database = new_database(postgres_server)
    settings = settings_for(tmp_path / "unused", small_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server,
                            database_url=database)
    old_build = run(settings, log=lambda _: None, progress=False).collection
    env = load_test.server_env(tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma_server),
                               HELPDESK_DATABASE_URL=database, HELPDESK_SECRET="s" * 64,
                               HELPDESK_CORPUS_DIR=str(small_corpus))
    ports = [load_test.free_port() for _ in range(2)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    servers = [load_test.start_server(port, tmp_path, env, name=f"replica-{n}") for n, port in enumerate(ports)]
    stop = threading.Event()
    outcome: dict = {}
    finished: list[float] = []  # when each answer arrived (time.monotonic), as the load runs
    try:
        for base, (process, log) in zip(bases, servers):
            load_test.wait_ready(base, process, log)
        assert [ready_build(b) for b in bases] == [old_build, old_build]

        load = threading.Thread(target=lambda: outcome.update(load_test.run(
            bases, QUESTIONS, total=5000, clients=4, max_seconds=240, stream=False, feedback=True, stop=stop,
            finished_at=finished)))
        load.start()
        while len(finished) < 8 and load.is_alive():  # the load is under way on the old build
            time.sleep(0.1)
        change_a_document(small_corpus)
        ingest_started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        switched = time.monotonic()
        new_build = store.active_build(store.connect(settings), settings).name
        assert new_build != old_build
        deadline = time.monotonic() + 60  # each replica moves to the new build on its next request
        while (served := [ready_build(b) for b in bases]) != [new_build, new_build] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert served == [new_build, new_build], f"replicas serve {served}, not the new build {new_build}"
        time.sleep(3)  # and answers from it for a while under the same load
        stop.set()
        load.join(timeout=300)
        assert not load.is_alive(), "the load did not stop within its bound"
    finally:
        stop.set()
        for process, _ in servers:
            load_test.stop_server(process)
    logs = "\n".join(log.read_text(errors="replace")[-3000:] for _, log in servers)
    assert outcome["errors"] == {}, f"failed requests: {outcome['errors']}\n{logs}"
    assert outcome["finished_at"] is finished
    assert all(sum(map(window, finished)) > 0 for window in (
        lambda t: t < ingest_started, lambda t: ingest_started < t < switched, lambda t: t > switched + 1)), \
        "the load did not run before, during and after the re-ingest"
    assert sorted(outcome["per_base"]) == sorted(bases) and min(outcome["per_base"].values()) > 0
    # Every answer rated exactly once, every answer logged once, all in the one PostgreSQL database.
    rows = FeedbackStore(database).rows()
    assert len(rows) == len(outcome["rated"]) == outcome["ok"] > 0
    assert sorted(r["answer_id"] for r in rows) == sorted(outcome["rated"])
    assert len({r["answer_id"] for r in rows}) == len(rows)
    logged = ConversationLog(database).entries()
    assert {e["answer_id"] for e in logged} == set(outcome["rated"]) and len(logged) == outcome["ok"]
    assert all(e["rating"] in (1, -1) for e in logged)
