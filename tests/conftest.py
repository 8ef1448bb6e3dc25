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


# Test tiers (pytest.ini): `index` needs the built index and the embedding model, `browser` needs Chromium. A test
# is in `index` when it uses a fixture below that builds or reads the real index (directly or through another
# fixture), when its module is in MODEL_MODULES or it is marked itself; a module named test_*_browser.py is in
# `browser`. `pytest -m "not index and not browser"` is the fast tier.
INDEX_FIXTURES = {"real_settings", "retriever", "helpdesk"}
MODEL_MODULES = {  # modules whose tests embed on their own, without those fixtures
    "test_ingest.py": "builds and rebuilds indexes of its own",
    "test_server_mode.py": "ingests into a real Chroma server",
    "test_curated.py": "embeds the curated questions",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if INDEX_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.name in MODEL_MODULES:
            item.add_marker(pytest.mark.index)
        if item.path.name.endswith("_browser.py"):
            item.add_marker(pytest.mark.browser)


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
def helpdesk(real_settings):
    """The assistant over the test index, built once for the session (a test wanting other settings takes
    `helpdesk.using(its_settings)`, which shares the loaded index and model)."""
    from helpdesk.core import Helpdesk

    return Helpdesk.from_settings(real_settings)


@pytest.fixture(scope="session")
def retriever(helpdesk):
    return helpdesk.retriever()


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
