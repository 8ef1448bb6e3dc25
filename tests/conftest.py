"""Shared fixtures: a real index of the real corpus, built once per test session into a temporary folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from helpdesk.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus" / "docs"
DATA = Path(__file__).parent / "data"

# No test reaches a network: the model is on disk and Chroma's telemetry is off.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# Answers given in tests are logged (the conversation log is on by default) into a throwaway file, never .data/.
TEST_DATA = Path(tempfile.mkdtemp(prefix="helpdesk-tests-"))
os.environ.setdefault("HELPDESK_FEEDBACK_DB", str(TEST_DATA / "feedback.sqlite3"))


def settings_for(index_dir: Path, corpus_dir: Path = CORPUS, **overrides) -> Settings:
    """Settings from a clean environment (no developer's variables leak in), pointed at a test index."""
    overrides.setdefault("feedback_db", TEST_DATA / "feedback.sqlite3")
    return Settings.from_env({}, index_dir=index_dir, corpus_dir=corpus_dir, **overrides)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    from ingest.indexer import run

    settings = settings_for(tmp_path_factory.mktemp("index"))
    run(settings, log=lambda line: None, progress=False)
    return settings


@pytest.fixture(scope="session")
def retriever(real_settings):
    from helpdesk.retrieval import get_retriever

    return get_retriever(real_settings)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A copy of four real documents that a test may change, break or delete."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("devpack-faq.md", "devpack-overview.md", "devpack-tool-cline.md", "help-center-faq.md"):
        shutil.copy(CORPUS / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away PostgreSQL cluster for the session (tests/postgres.py); the URL of its `postgres` database."""
    from tests.postgres import cluster

    with cluster() as url:
        yield url
