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
from helpdesk.retrieval import get_retriever
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
    before = get_retriever(settings)  # what a replica's request holds
    change_a_document(small_corpus)
    switched = run(settings, log=lambda _: None, progress=False)
    assert switched.collection != before.build
    assert before.search("Why can I not recharge using a credit card?")  # the replaced build still answers
    assert get_retriever(settings).build == switched.collection  # the next request reads the new one
    assert builds(settings) == sorted([before.build, switched.collection])
    page = small_corpus / "devpack-overview.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nOne more paragraph for a third build.\n", encoding="utf-8")
    third = run(settings, log=lambda _: None, progress=False)
    assert builds(settings) == sorted([switched.collection, third.collection])  # two generations, never more
